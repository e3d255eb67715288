package io.juv;

import io.juv.net.Pipe;
import io.juv.net.PipeHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** uv_poll on real descriptors: a socket pair's ends, a regular file, bad and closed descriptors. */
@Timeout(30)
class PollerTest {

    // ------------------------------------------------------------------ raw descriptors, as another library would hold them

    private static final Linker C = Linker.nativeLinker();
    private static final MethodHandle CLOSE = C.downcallHandle(C.defaultLookup().findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = C.downcallHandle(C.defaultLookup().findOrThrow("open"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = C.downcallHandle(C.defaultLookup().findOrThrow("write"),
            FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG, JAVA_INT, ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG));

    static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void write(int fd, String s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bytes = a.allocateFrom(s);
            long n = (long) WRITE.invokeExact(fd, bytes, (long) s.length());
            assertEquals(s.length(), n);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static final MethodHandle SEND = C.downcallHandle(C.defaultLookup().findOrThrow("send"),
            FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG, JAVA_INT, ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG, JAVA_INT));

    /** One byte of out-of-band data (MSG_OOB, 1 on Linux); false where the socket cannot send it. */
    static boolean sendUrgent(int fd) {
        try (Arena a = Arena.ofConfined()) {
            long n = (long) SEND.invokeExact(fd, a.allocateFrom("!"), 1L, 1);
            return n == 1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int openForReading(Path p) {
        try (Arena a = Arena.ofConfined()) {
            return (int) OPEN.invokeExact(a.allocateFrom(p.toString()), 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ readiness

    @Test
    void aSocketEndBecomesReadableWhenThePeerWritesAndTheDataIsStillThereToRead() {
        int[] fds = Pipe.socketPair();
        List<Set<PollEvent>> seen = new ArrayList<>();
        StringBuilder read = new StringBuilder();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            Poller poller = loop.poll(fds[0], EnumSet.of(PollEvent.READABLE), (p, ready) -> {
                seen.add(ready);
                p.close();
                // Polling reads nothing: what was written is still there for whoever reads the descriptor.
                Pipe.open(loop, fds[0], false, new PipeHandler() {
                    public void onData(Pipe pipe, ByteBuffer data) {
                        read.append(StandardCharsets.UTF_8.decode(data));
                        pipe.close();
                        wd.cancel();
                    }
                });
            });
            assertTrue(poller.isActive());
            assertEquals(fds[0], poller.fd());
            loop.delay(Duration.ofMillis(20), () -> write(fds[1], "ping"));
        });
        close(fds[1]);
        assertEquals(List.of(EnumSet.of(PollEvent.READABLE)), seen);
        assertEquals("ping", read.toString());
    }

    @Test
    void interestChangesWhatIsReportedAndAnEmptyOneStops() {
        int[] fds = Pipe.socketPair();
        List<String> events = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            // Nothing to read: a READABLE-only poller stays quiet, though the socket is writable.
            Poller poller = loop.poll(fds[0], EnumSet.of(PollEvent.READABLE), (p, ready) -> {
                events.add(ready.toString());
                assertEquals(EnumSet.of(PollEvent.WRITABLE), ready);
                p.interest(Set.of());
                assertFalse(p.isActive());
                assertEquals(Set.of(), p.interest());
                loop.delay(Duration.ofMillis(20), () -> {
                    p.close();
                    wd.cancel();
                });
            });
            loop.delay(Duration.ofMillis(30), () -> {
                assertEquals(List.of(), events, "reported what it was not asked for");
                poller.interest(EnumSet.of(PollEvent.WRITABLE));
                assertEquals(EnumSet.of(PollEvent.WRITABLE), poller.interest());
            });
        });
        close(fds[0]);
        close(fds[1]);
        // Level-triggered, but stopped at the first: exactly one report.
        assertEquals(List.of("[WRITABLE]"), events);
    }

    @Test
    void thePeerHangingUpIsReportedAsDisconnect() {
        int[] fds = Pipe.socketPair();
        List<Set<PollEvent>> seen = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            loop.poll(fds[0], EnumSet.of(PollEvent.READABLE, PollEvent.DISCONNECT), (p, ready) -> {
                seen.add(ready);
                p.close();
                wd.cancel();
            });
            loop.delay(Duration.ofMillis(10), () -> close(fds[1]));
        });
        close(fds[0]);
        assertEquals(1, seen.size());
        assertTrue(seen.getFirst().contains(PollEvent.READABLE), seen::toString);
        // EPOLLRDHUP: Linux says so; other systems may only say readable.
        if (io.juv.internal.Platform.OS == io.juv.internal.Platform.Os.LINUX) {
            assertTrue(seen.getFirst().contains(PollEvent.DISCONNECT), seen::toString);
        }
    }

    @Test
    void outOfBandDataIsReportedAsPrioritized() {
        // Unix domain sockets carry MSG_OOB on Linux 5.15 and later (CONFIG_AF_UNIX_OOB).
        org.junit.jupiter.api.Assumptions.assumeTrue(io.juv.internal.Platform.OS == io.juv.internal.Platform.Os.LINUX);
        int[] fds = Pipe.socketPair();
        List<Set<PollEvent>> seen = new ArrayList<>();
        boolean[] sent = {false};
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            Poller poller = loop.poll(fds[0], EnumSet.of(PollEvent.PRIORITIZED), (p, ready) -> {
                seen.add(ready);
                p.close();
                wd.cancel();
            });
            loop.delay(Duration.ofMillis(10), () -> {
                sent[0] = sendUrgent(fds[1]);
                if (!sent[0]) {
                    poller.close();
                    wd.cancel();
                }
            });
        });
        close(fds[0]);
        close(fds[1]);
        org.junit.jupiter.api.Assumptions.assumeTrue(sent[0], "this kernel's Unix sockets carry no out-of-band data");
        assertEquals(List.of(EnumSet.of(PollEvent.PRIORITIZED)), seen);
    }

    @Test
    void stopAndStartPauseAPoller() {
        int[] fds = Pipe.socketPair();
        int[] reports = {0};
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            Poller poller = loop.poll(fds[0], EnumSet.of(PollEvent.WRITABLE), (p, ready) -> {
                reports[0]++;
                p.stop();
            });
            loop.delay(Duration.ofMillis(20), () -> {
                assertEquals(1, reports[0]);
                assertFalse(poller.isActive());
                poller.start();
                loop.delay(Duration.ofMillis(20), () -> {
                    assertEquals(2, reports[0]);
                    poller.close();
                    wd.cancel();
                });
            });
        });
        close(fds[0]);
        close(fds[1]);
    }

    // ------------------------------------------------------------------ the descriptor is the caller's

    /**
     * On the caller's own descriptor, libuv refuses one a juv stream of the same loop reads
     * (EEXIST), and aborts the process (inside uv_run) when it was closed under the poller and the
     * interest then changes; both were seen with the duplicate taken out. On its own duplicate,
     * both work.
     */
    @Test
    void aDescriptorAStreamOfTheSameLoopReadsAndOneClosedUnderThePollerAreHarmless() {
        int[] fds = Pipe.socketPair();
        int[] other = Pipe.socketPair();
        StringBuilder streamRead = new StringBuilder();
        int[] pollerReports = {0};
        boolean[] writableAfterClose = {false};
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            Pipe reader = Pipe.open(loop, fds[0], false, new PipeHandler() {
                public void onData(Pipe pipe, ByteBuffer data) {
                    streamRead.append(StandardCharsets.UTF_8.decode(data));
                }
            });
            Poller both = loop.poll(fds[0], EnumSet.of(PollEvent.READABLE), (p, ready) -> pollerReports[0]++);
            // The caller's descriptor goes; the poller's duplicate stays: a change of interest is no crash.
            Poller orphan = loop.poll(other[0], EnumSet.of(PollEvent.READABLE), (p, ready) -> {
                if (ready.contains(PollEvent.WRITABLE)) writableAfterClose[0] = true;
                p.close();
            });
            close(other[0]);
            orphan.interest(EnumSet.of(PollEvent.WRITABLE));
            loop.delay(Duration.ofMillis(10), () -> write(fds[1], "to the stream"));
            loop.delay(Duration.ofMillis(60), () -> {
                // The stream still reads (its registration survived the poller's creation).
                write(fds[1], " and more");
                loop.delay(Duration.ofMillis(40), () -> {
                    both.close();
                    reader.close();
                    wd.cancel();
                });
            });
        });
        close(fds[1]);
        close(other[1]);
        assertEquals("to the stream and more", streamRead.toString());
        assertTrue(pollerReports[0] >= 1, "the poller never saw the stream's descriptor readable");
        assertTrue(writableAfterClose[0]);
    }

    @Test
    void aRegularFileIsRefusedByLibuvAndNothingIsLeftOpen() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "not pollable");
        int fd = openForReading(file);
        assertTrue(fd >= 0);
        try {
            Loops.run(loop -> {
                UvException e = assertThrows(UvException.class, () -> loop.poll(fd, EnumSet.of(PollEvent.READABLE), (p, r) -> { }));
                assertEquals("EPERM", e.errorName(), e::getMessage);
                assertEquals(0, loop.stats().openHandles());
            });
        } finally {
            close(fd);
        }
    }

    @Test
    void aDescriptorThatIsNotOpenIsRefused() {
        Loops.run(loop -> {
            assertThrows(IllegalArgumentException.class, () -> loop.poll(1 << 20, EnumSet.of(PollEvent.READABLE), (p, r) -> { }));
            assertThrows(IllegalArgumentException.class, () -> loop.poll(-1, EnumSet.of(PollEvent.READABLE), (p, r) -> { }));
            assertThrows(NullPointerException.class, () -> loop.poll(0, null, (p, r) -> { }));
            assertEquals(0, loop.stats().openHandles());
        });
    }

    @Test
    void aClosedPollerRefusesChangesAndAnswersFromJavaState() {
        int[] fds = Pipe.socketPair();
        Poller[] p = new Poller[1];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                p[0] = l.poll(fds[0], EnumSet.of(PollEvent.READABLE), (x, r) -> { });
                p[0].close();
                p[0].close();
            });
            assertThrows(IllegalStateException.class, () -> p[0].interest(EnumSet.of(PollEvent.WRITABLE)));
            assertThrows(IllegalStateException.class, p[0]::start);
        } finally {
            Loops.closeClean(loop);
        }
        p[0].stop();
        assertFalse(p[0].isActive());
        assertEquals(fds[0], p[0].fd());
        assertEquals(EnumSet.of(PollEvent.READABLE), p[0].interest());
        // The caller's descriptor is still the caller's, open.
        write(fds[1], "x");
        close(fds[0]);
        close(fds[1]);
    }
}
