package io.juv.process;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Loops;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.net.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ProcessTest {

    @TempDir
    Path dir;

    /** What a child wrote to its stdout, and how it ended, once {@link Process#finished()} completes. */
    private record Output(String stdout, ProcessExit exit) {}

    /** Runs the command with its stdout piped here, and hands what it wrote to check, on the loop. */
    private static void run(ProcessOptions.Builder options, Consumer<Output> check) {
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        boolean[] checked = {false};
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(10));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Process p = loop.spawn(options.stdout(Stdio.pipe((pipe, data) -> out.writeBytes(Loops.bytes(data)))).build());
            p.finished().whenComplete((exit, error) -> {
                wd[0].cancel();
                assertNull(error);
                check.accept(new Output(out.toString(StandardCharsets.UTF_8), exit));
                checked[0] = true;
            });
        });
        wd[0].assertNotFired();
        assertTrue(checked[0], "the process never finished");
    }

    // ------------------------------------------------------------------ output, input, exit

    @Test
    void echoHiIsReadFromItsStdout() {
        run(ProcessOptions.builder("echo", "hi"), out -> {
            assertEquals("hi\n", out.stdout());
            assertTrue(out.exit().isSuccess(), out.exit()::toString);
            assertEquals(0, out.exit().status());
            assertNull(out.exit().signal());
        });
    }

    @Test
    void theExitHandlerSeesTheStatusAndThePidStaysReadable() {
        List<ProcessExit> seen = new ArrayList<>();
        int[] pid = {0};
        Loops.run(loop -> {
            Process p = loop.spawn(ProcessOptions.of("sh", "-c", "exit 7"), (proc, exit) -> {
                seen.add(exit);
                assertEquals(pid[0], proc.pid());
            });
            pid[0] = p.pid();
            assertTrue(p.pid() > 0);
            assertTrue(p.isRunning());
            assertEquals(1, loop.stats().handles().get(HandleKind.PROCESS));
            p.exited().thenAccept(exit -> {
                assertFalse(p.isRunning());
                assertEquals(exit, p.exitStatus());
                // Reaped: its pid may be another's now, so juv sends nothing.
                UvException e = assertThrows(UvException.class, () -> p.kill(Signal.TERM));
                assertEquals(ErrorKind.NO_SUCH_PROCESS, e.kind());
            });
        });
        assertEquals(List.of(new ProcessExit(7, 0)), seen);
    }

    @Test
    void aMegabyteThroughCatComesBackIntact() {
        byte[] data = Loops.random(1024 * 1024, 8);
        MessageDigest got = Loops.sha256();
        long[] received = {0};
        ProcessExit[] exit = new ProcessExit[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(15));
            Process cat = loop.spawn(ProcessOptions.builder("cat")
                    .stdin(Stdio.pipe((pipe, d) -> { }))
                    .stdout(Stdio.pipe((pipe, d) -> {
                        received[0] += d.remaining();
                        got.update(d);
                    })).build());
            // Past the high water mark: the write queues, and close() flushes it before cat sees EOF.
            cat.stdin().write(data);
            cat.stdin().close();
            cat.finished().thenAccept(e -> {
                exit[0] = e;
                wd[0].cancel();
            });
        });
        wd[0].assertNotFired();
        assertEquals(data.length, received[0]);
        assertArrayEquals(Loops.sha256(data), got.digest());
        assertTrue(exit[0].isSuccess(), exit[0]::toString);
    }

    @Test
    void stderrAndAnExtraDescriptorArePipesOfTheirOwn() {
        StringBuilder err = new StringBuilder(), three = new StringBuilder();
        Loops.run(loop -> {
            Process p = loop.spawn(ProcessOptions.builder("sh", "-c", "echo oops >&2; echo extra >&3")
                    .stderr(Stdio.pipe((pipe, d) -> err.append(StandardCharsets.UTF_8.decode(d))))
                    .stdio(3, Stdio.pipe((pipe, d) -> three.append(StandardCharsets.UTF_8.decode(d))))
                    .build());
            assertNotNull(p.stderr());
            assertNotNull(p.stdio(3));
            assertNull(p.stdout());
        });
        assertEquals("oops\n", err.toString());
        assertEquals("extra\n", three.toString());
    }

    @Test
    void aChildWritesIntoADescriptorOfOurs() {
        int[] pair = Pipe.socketPair();
        StringBuilder got = new StringBuilder();
        Loops.run(loop -> {
            Pipe.open(loop, pair[0], false, (pipe, d) -> got.append(StandardCharsets.UTF_8.decode(d)));
            loop.spawn(ProcessOptions.builder("echo", "through fd").stdout(Stdio.fd(pair[1])).build());
            // The child has its own copy; closing ours (adopted to be closed) lets the reader see the end.
            // closeNow, not close: a shutdown would end the socket for the child's copy too.
            Pipe.open(loop, pair[1], false, (pp, d) -> { }).closeNow();
        });
        assertEquals("through fd\n", got.toString());
    }

    // ------------------------------------------------------------------ environment and directory

    @Test
    void aReplacedEnvironmentHasOnlyTheVariablesGiven() {
        run(ProcessOptions.builder("/bin/sh", "-c", "echo \"$X|$HOME\"").environment(Map.of("X", "replaced")),
                out -> assertEquals("replaced|\n", out.stdout()));
    }

    @Test
    void anExtendedEnvironmentKeepsTheParentsVariables() {
        String home = System.getenv("HOME");
        run(ProcessOptions.builder("sh", "-c", "echo \"$X|$HOME\"").environment("X", "added"),
                out -> assertEquals("added|" + (home == null ? "" : home) + "\n", out.stdout()));
    }

    @Test
    void theWorkingDirectoryIsSeenByPwd() throws Exception {
        Path real = dir.toRealPath();
        run(ProcessOptions.builder("pwd").directory(real), out -> assertEquals(real + "\n", out.stdout()));
    }

    // ------------------------------------------------------------------ failures

    /** This process's open descriptors (Linux's /proc), or -1 where there is no /proc/self/fd. */
    private static long openDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) return -1;
        try (var list = Files.list(fds)) {
            return list.count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMissingProgramIsNotFoundAndLeavesNoHandle() {
        UvException[] e = new UvException[1];
        long fdsBefore = openDescriptors();
        Loops.run(loop -> {
            e[0] = assertThrows(UvException.class, () -> loop.spawn(ProcessOptions.builder("/nonexistent/juv-program")
                    .stdin(Stdio.pipe((p, d) -> { })).stdout(Stdio.pipe((p, d) -> { })).build()));
            // The failed spawn's handle and pipes close in this loop turn (Loops.run checks again at the end).
            loop.delay(Duration.ZERO, () -> loop.delay(Duration.ZERO, () -> {
                assertEquals(0, loop.stats().handles().getOrDefault(HandleKind.PROCESS, 0), () -> "" + loop.stats().handles());
                assertEquals(0, loop.stats().handles().getOrDefault(HandleKind.PIPE, 0), () -> "" + loop.stats().handles());
            }));
        });
        assertEquals(ErrorKind.NOT_FOUND, e[0].kind());
        assertEquals("ENOENT", e[0].errorName());
        // libuv opened both pipes' ends although exec failed (as Node expects): closed with them, none leaks.
        assertEquals(fdsBefore, openDescriptors());
        assertTrue(e[0].getMessage().contains("/nonexistent/juv-program"), e[0]::getMessage);
    }

    /** cl-async's assertion: a failed spawn's handle closed, then the loop's cleanup closing it again. juv closes it once. */
    @Test
    void aFailedSpawnThenTheLoopEndingAtOnceClosesItsHandleOnce() {
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                assertThrows(UvException.class, () -> l.spawn(ProcessOptions.builder("/nonexistent/juv-program")
                        .stdout(Stdio.pipe((p, d) -> { })).build()));
                l.exit();
            });
        } finally {
            Loops.closeClean(loop); // uv_loop_close returns 0: nothing of the spawn is left in libuv
        }
    }

    @Test
    void aProgramNotOnThePathIsNotFound() {
        Loops.run(loop -> {
            UvException e = assertThrows(UvException.class,
                    () -> loop.spawn(ProcessOptions.of("juv-no-such-program-" + System.nanoTime())));
            assertEquals(ErrorKind.NOT_FOUND, e.kind());
        });
    }

    @Test
    void aMissingWorkingDirectoryIsNotFoundAndLeavesNoHandle() {
        UvException[] e = new UvException[1];
        Loops.run(loop -> e[0] = assertThrows(UvException.class, () -> loop.spawn(ProcessOptions.builder("pwd")
                .directory(dir.resolve("not-there")).stdout(Stdio.pipe((p, d) -> { })).build())));
        assertEquals(ErrorKind.NOT_FOUND, e[0].kind());
        assertTrue(e[0].getMessage().contains("not-there"), e[0]::getMessage);
    }

    @Test
    void aUidIsTakenWhenPermittedAndATypedErrorWhenNot() {
        boolean root = "0".equals(idU());
        List<String> out = new ArrayList<>();
        Loops.run(loop -> {
            ProcessOptions nobody = ProcessOptions.builder("id", "-u").uid(65534).gid(65534)
                    .stdout(Stdio.pipe((p, d) -> out.add(StandardCharsets.UTF_8.decode(d).toString()))).build();
            if (root) {
                loop.spawn(nobody).exited().thenAccept(exit -> assertTrue(exit.isSuccess(), exit::toString));
            } else {
                UvException e = assertThrows(UvException.class, () -> loop.spawn(nobody));
                assertEquals(ErrorKind.PERMISSION_DENIED, e.kind(), e::toString);
            }
        });
        if (root) assertEquals("65534\n", String.join("", out));
    }

    private static String idU() {
        try {
            java.lang.Process id = new ProcessBuilder("id", "-u").start();
            return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.of());
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.of("ec\0ho"));
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.builder("sh").environment("A=B", "c"));
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.builder("sh").uid(-1));
        assertThrows(IllegalArgumentException.class, () -> Stdio.fd(-1));
    }

    // ------------------------------------------------------------------ signals

    @Test
    void aKilledSleepEndsWithTheSignal() {
        List<ProcessExit> exits = new ArrayList<>();
        Loops.run(loop -> {
            Process term = loop.spawn(ProcessOptions.of("sleep", "10"), (p, e) -> exits.add(e));
            Process kill = loop.spawn(ProcessOptions.of("sleep", "10"), (p, e) -> exits.add(e));
            term.kill(Signal.TERM);
            kill.kill(Signal.KILL.number());
        });
        assertEquals(2, exits.size());
        assertTrue(exits.stream().anyMatch(e -> e.signal() == Signal.TERM), exits::toString);
        assertTrue(exits.stream().anyMatch(e -> e.signal() == Signal.KILL), exits::toString);
        assertTrue(exits.stream().noneMatch(ProcessExit::isSuccess));
    }

    @Test
    void uvKillReachesAChildByItsPid() {
        ProcessExit[] exit = new ProcessExit[1];
        Loops.run(loop -> {
            Process p = loop.spawn(ProcessOptions.of("sleep", "10"), (proc, e) -> exit[0] = e);
            Process.kill(p.pid(), Signal.TERM);
        });
        assertEquals(Signal.TERM, exit[0].signal());
    }

    @Test
    void aPidNoProcessHasIsNoSuchProcess() {
        // pid_max on Linux is at most 2^22: this one is never a process's.
        UvException e = assertThrows(UvException.class, () -> Process.kill(1 << 30, Signal.TERM));
        assertEquals(ErrorKind.NO_SUCH_PROCESS, e.kind(), e::toString);
    }

    @Test
    void aDetachedUnrefdChildDoesNotHoldTheLoop() {
        int[] pid = {0};
        long[] ran = {0};
        ProcessExit[] exit = new ProcessExit[1];
        EventLoop loop = EventLoop.create();
        try {
            Process[] p = new Process[1];
            loop.run(l -> {
                p[0] = l.spawn(ProcessOptions.builder("sleep", "10").detached(true).build(), (proc, e) -> exit[0] = e);
                p[0].unref();
                assertFalse(p[0].hasRef());
                pid[0] = p[0].pid();
                // setsid in the child: it leads a process group (and session) of its own.
                Path stat = Path.of("/proc", Integer.toString(pid[0]), "stat");
                if (Files.exists(stat)) assertEquals(pid[0], processGroupOf(stat));
            });
            ran[0] = 1;
            // The loop ended with the child still running: nothing else held it.
            assertTrue(p[0].isRunning());
            loop.run(l -> {
                Process.kill(pid[0], Signal.KILL);
                p[0].ref(); // now wait for its exit
            });
            assertEquals(Signal.KILL, exit[0].signal());
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
        assertEquals(1, ran[0]);
    }

    /** /proc/PID/stat's fifth field; the second, the command, is in parentheses and may hold spaces. */
    private static int processGroupOf(Path stat) {
        try {
            String s = Files.readString(stat);
            return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[2]);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHundredChildrenAtOnceAllReportTheirStatus() {
        int n = 100;
        long[] statuses = new long[n];
        java.util.Arrays.fill(statuses, -1);
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(20));
            List<CompletableFuture<ProcessExit>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                all.add(loop.spawn(ProcessOptions.of("sh", "-c", "exit " + k), (p, e) -> statuses[k] = e.status()).exited());
            }
            assertEquals(n, loop.stats().handles().get(HandleKind.PROCESS));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenRun(wd[0]::cancel);
        });
        wd[0].assertNotFired();
        for (int i = 0; i < n; i++) assertEquals(i, statuses[i], "child " + i);
    }

    // ------------------------------------------------------------------ closing

    @Test
    void closingARunningProcessClosesItsPipesAndFailsItsFutures() {
        Throwable[] failure = new Throwable[1];
        boolean[] pipeClosed = {false};
        Loops.run(loop -> {
            Process p = loop.spawn(ProcessOptions.builder("sleep", "10").stdin(Stdio.pipe(new io.juv.StreamHandler<Pipe>() {
                public void onData(Pipe pipe, ByteBuffer data) { }
                public void onClose(Pipe pipe) { pipeClosed[0] = true; }
            })).build());
            int pid = p.pid();
            p.exited().whenComplete((e, t) -> failure[0] = t);
            // Killed first, as the class says: close() alone would leave it running, unwatched.
            p.kill(Signal.KILL);
            p.close();
            assertTrue(p.isClosed());
            UvException e = assertThrows(UvException.class, () -> p.kill(Signal.TERM));
            assertEquals(ErrorKind.SOCKET_CLOSED, e.kind());
            assertEquals(pid, p.pid());
        });
        assertTrue(pipeClosed[0]);
        assertTrue(failure[0] instanceof UvException u && u.kind() == ErrorKind.SOCKET_CLOSED, String.valueOf(failure[0]));
    }

    @Test
    void closingTheLoopClosesARunningChildsHandleAndPipes() {
        EventLoop loop = EventLoop.create();
        int[] pid = {0};
        try {
            loop.run(l -> {
                Process p = l.spawn(ProcessOptions.builder("sleep", "10").stdout(Stdio.pipe((pp, d) -> { })).build());
                pid[0] = p.pid();
                l.exit();
            });
        } finally {
            Process.kill(pid[0], Signal.KILL);
            Loops.closeClean(loop);
        }
    }

    @Test
    void theExitMayComeBeforeOrAfterTheOutputButFinishedComesAfterBoth() throws Exception {
        Path script = dir.resolve("late.sh");
        // The child exits while a grandchild still holds stdout and writes after a moment.
        Files.writeString(script, "(sleep 0.3; echo late) &\necho early\n");
        List<String> events = new ArrayList<>();
        Loops.run(loop -> {
            Process p = loop.spawn(ProcessOptions.builder("sh", script.toString())
                    .stdout(Stdio.pipe(new io.juv.StreamHandler<Pipe>() {
                        public void onData(Pipe pipe, ByteBuffer data) { events.add(StandardCharsets.UTF_8.decode(data).toString().trim()); }
                        public void onClose(Pipe pipe) { events.add("stdout closed"); }
                    })).build(), (proc, exit) -> events.add("exit"));
            p.finished().thenRun(() -> events.add("finished"));
        });
        assertEquals("finished", events.getLast(), events::toString);
        assertTrue(events.indexOf("exit") < events.indexOf("late"), events::toString);
        assertTrue(events.indexOf("late") < events.indexOf("stdout closed"), events::toString);
    }
}
