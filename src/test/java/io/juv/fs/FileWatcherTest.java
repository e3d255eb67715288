package io.juv.fs;

import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.UvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File watching (uv_fs_event) and stat polling (uv_fs_poll) on a real temporary directory. */
@Timeout(30)
class FileWatcherTest {

    @TempDir
    Path dir;

    private static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    private record Seen(String name, Set<FileWatchEvent> events) {}

    private static boolean saw(List<Seen> seen, String name, FileWatchEvent e) {
        return seen.stream().anyMatch(s -> name.equals(s.name()) && s.events().contains(e));
    }

    // ------------------------------------------------------------------ uv_fs_event

    @Test
    void aWatchedDirectoryReportsCreateChangeAndRenameByName() {
        List<Seen> seen = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
            FileWatcher w = loop.watch(dir, (watcher, name, events) -> {
                seen.add(new Seen(name, events));
                if (saw(seen, "renamed.txt", FileWatchEvent.RENAME)) {
                    watcher.close();
                    wd.cancel();
                }
            });
            assertTrue(w.isActive());
            assertEquals(dir, w.path());
            // One step per loop pass, each after the previous one's events could arrive.
            loop.delay(Duration.ofMillis(20), () -> io(() -> Files.writeString(dir.resolve("new.txt"), "created")));
            loop.delay(Duration.ofMillis(60), () -> io(() -> Files.writeString(dir.resolve("new.txt"), "changed, longer")));
            loop.delay(Duration.ofMillis(100), () -> io(() -> Files.move(dir.resolve("new.txt"), dir.resolve("renamed.txt"))));
        });
        assertTrue(saw(seen, "new.txt", FileWatchEvent.RENAME), () -> "no create: " + seen);
        assertTrue(saw(seen, "new.txt", FileWatchEvent.CHANGE), () -> "no change: " + seen);
        assertTrue(saw(seen, "renamed.txt", FileWatchEvent.RENAME), () -> "no rename: " + seen);
        assertTrue(seen.stream().allMatch(s -> !s.events().isEmpty()));
    }

    @Test
    void aStoppedWatcherReportsNothingUntilStartedAgain() {
        List<Seen> seen = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
            FileWatcher w = loop.watch(dir, (watcher, name, events) -> {
                seen.add(new Seen(name, events));
                if ("second.txt".equals(name)) {
                    watcher.close();
                    wd.cancel();
                }
            });
            w.stop();
            assertFalse(w.isActive());
            w.stop();
            io(() -> Files.writeString(dir.resolve("first.txt"), "while stopped"));
            loop.delay(Duration.ofMillis(50), () -> {
                w.start();
                io(() -> Files.writeString(dir.resolve("second.txt"), "while started"));
            });
            // A stopped watcher does not keep the loop alive; this timer does, meanwhile.
        });
        assertFalse(saw(seen, "first.txt", FileWatchEvent.RENAME), () -> "reported while stopped: " + seen);
        assertTrue(saw(seen, "second.txt", FileWatchEvent.RENAME), seen::toString);
    }

    @Test
    void aWatchedFileReportsItsOwnChanges() throws IOException {
        Path file = Files.writeString(dir.resolve("watched.log"), "one\n");
        List<Seen> seen = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
            loop.watch(file, (watcher, name, events) -> {
                seen.add(new Seen(name, events));
                watcher.close();
                wd.cancel();
            });
            loop.delay(Duration.ofMillis(20), () -> io(() -> Files.writeString(file, "two\n", java.nio.file.StandardOpenOption.APPEND)));
        });
        assertEquals(1, seen.size());
        assertEquals("watched.log", seen.getFirst().name());
        assertTrue(seen.getFirst().events().contains(FileWatchEvent.CHANGE), seen::toString);
    }

    @Test
    void recursiveWatchingIsRefusedWhereTheSystemCannotDoIt() {
        Loops.run(loop -> {
            if (FileWatcher.recursiveSupported()) {
                FileWatcher w = FileWatcher.watch(loop, dir, true, (x, n, e) -> { });
                assertTrue(w.isRecursive());
                w.close();
            } else {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> FileWatcher.watch(loop, dir, true, (x, n, ev) -> { }));
                assertTrue(e.getMessage().contains("recursive"), e.getMessage());
                assertEquals(0, loop.stats().openHandles(), "refused before any handle was made");
            }
        });
        assertEquals(io.juv.internal.Platform.OS != io.juv.internal.Platform.Os.LINUX, FileWatcher.recursiveSupported());
    }

    @Test
    void watchingAPathThatDoesNotExistFailsTypedAndLeavesNothingOpen() {
        Loops.run(loop -> {
            UvException e = assertThrows(UvException.class, () -> loop.watch(dir.resolve("missing"), (x, n, ev) -> { }));
            assertEquals("ENOENT", e.errorName());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
            // Its handle is closing, gone by the end of the run (Loops.run checks).
        });
    }

    @Test
    void aClosedWatcherRefusesToStartAndAnswersFromJavaState() {
        FileWatcher[] w = new FileWatcher[1];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                w[0] = l.watch(dir, (x, n, e) -> { });
                w[0].close();
                w[0].close();
            });
            assertThrows(IllegalStateException.class, w[0]::start);
        } finally {
            Loops.closeClean(loop);
        }
        assertThrows(IllegalStateException.class, w[0]::start);
        w[0].stop();
        assertFalse(w[0].isActive());
        assertEquals(dir, w[0].path());
    }

    // ------------------------------------------------------------------ uv_fs_poll

    @Test
    void aStatPollerSeesASizeChangeWithBothStatuses() throws IOException {
        Path file = Files.writeString(dir.resolve("grows.bin"), "1234");
        Instant old = Instant.parse("2020-01-01T00:00:00Z");
        Files.setLastModifiedTime(file, FileTime.from(old));
        StatPoller.Stat[] change = new StatPoller.Stat[2];
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
            StatPoller p = loop.pollStat(file, Duration.ofMillis(10), (poller, previous, current) -> {
                change[0] = previous;
                change[1] = current;
                poller.close();
                wd.cancel();
            });
            assertTrue(p.isActive());
            assertEquals(Duration.ofMillis(10), p.interval());
            loop.delay(Duration.ofMillis(50), () -> io(() -> Files.writeString(file, "123456789")));
        });
        assertEquals(StatPoller.Kind.FILE, change[0].kind());
        assertEquals(4, change[0].size());
        assertEquals(old, change[0].modified());
        assertEquals(StatPoller.Kind.FILE, change[1].kind());
        assertEquals(9, change[1].size());
        assertEquals(Files.getLastModifiedTime(file).toInstant(), change[1].modified());
        assertEquals(change[0].inode(), change[1].inode());
        assertTrue(change[1].exists());
    }

    @Test
    void aStatPollerReportsAPathGoingAndComingBack() throws IOException {
        Path file = Files.writeString(dir.resolve("flaky"), "here");
        List<String> events = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
            loop.pollStat(file, Duration.ofMillis(10), new StatPollHandler() {
                public void onChange(StatPoller poller, StatPoller.Stat previous, StatPoller.Stat current) {
                    events.add("change " + previous.kind() + " -> " + current.kind());
                    poller.close();
                    wd.cancel();
                }

                public void onError(StatPoller poller, UvException error, StatPoller.Stat previous) {
                    events.add("error " + error.errorName() + " after " + previous.kind());
                    loop.delay(Duration.ofMillis(30), () -> io(() -> Files.writeString(file, "back")));
                }
            });
            loop.delay(Duration.ofMillis(40), () -> io(() -> Files.delete(file)));
        });
        assertEquals(List.of("error ENOENT after FILE", "change FILE -> FILE"), events);
    }

    @Test
    void aStatPollerOfADirectoryAndAMissingPath() {
        List<String> events = new ArrayList<>();
        Path later = dir.resolve("later");
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, Duration.ofSeconds(10));
            loop.pollStat(later, Duration.ofMillis(10), new StatPollHandler() {
                public void onChange(StatPoller poller, StatPoller.Stat previous, StatPoller.Stat current) {
                    events.add("change " + previous.kind() + " -> " + current.kind());
                    poller.close();
                    wd.cancel();
                }

                public void onError(StatPoller poller, UvException error, StatPoller.Stat previous) {
                    events.add("error " + error.errorName() + " after " + previous.kind());
                    io(() -> Files.createDirectory(later));
                }
            });
        });
        // Missing from the start: an error (after nothing), then the directory appears.
        assertEquals(List.of("error ENOENT after NONE", "change NONE -> DIRECTORY"), events);
    }

    @Test
    void badIntervalsAreRefusedAndAClosedPollerAnswersFromJavaState() {
        StatPoller[] p = new StatPoller[1];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                assertThrows(IllegalArgumentException.class, () -> l.pollStat(dir, Duration.ZERO, (x, a, b) -> { }));
                assertThrows(IllegalArgumentException.class, () -> l.pollStat(dir, Duration.ofDays(-1), (x, a, b) -> { }));
                assertEquals(0, l.stats().openHandles());
                p[0] = l.pollStat(dir, Duration.ofSeconds(1), (x, a, b) -> { });
                p[0].close();
            });
            assertThrows(IllegalStateException.class, p[0]::start);
        } finally {
            Loops.closeClean(loop);
        }
        assertThrows(IllegalStateException.class, p[0]::start);
        p[0].stop();
        assertFalse(p[0].isActive());
        assertEquals(dir, p[0].path());
    }
}
