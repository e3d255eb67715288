package io.juv.tty;

import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.net.Pipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Terminals need a terminal: {@link TtyMain} runs in a JVM of its own on a pseudo-terminal that
 * util-linux's {@code script} makes (Debian: package bsdutils, which every Debian system has).
 * Skipped, with the reason, where there is no script or no pty. The test types into the pty
 * through script's stdin and reads the terminal's output from script's stdout.
 */
@Timeout(60)
class TtyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void destroyEverythingStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) if (Files.isExecutable(Path.of(d, command))) return true;
        return false;
    }

    private static void assumePty() throws IOException, InterruptedException {
        assumeTrue(onPath("script"), "no util-linux script to make a pseudo-terminal (Debian: apt-get install bsdutils)");
        Process p = new ProcessBuilder("script", "-qec", "tty", "/dev/null").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("/dev/"),
                "script could not open a pseudo-terminal here (no /dev/ptmx or devpts?): " + out.trim());
    }

    /** The java command that runs TtyMain with this JVM's class path and libuv. */
    private static String javaCommand(String mode) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) c.add("-Djuv.libuv.path=" + libuv);
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), TtyMain.class.getName(), mode));
        return c.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /** A shell command line in a pty of its own (script -qec), its output read line by line. */
    private final class InPty {
        final Process process;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> transcript = Collections.synchronizedList(new ArrayList<>());

        InPty(String shell) throws IOException {
            process = new ProcessBuilder("script", "-qec", shell, "/dev/null").redirectErrorStream(true).start();
            started.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        line = line.replace("\r", "");
                        transcript.add(line);
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // destroyed
                }
            }, "pty output");
            reader.setDaemon(true);
            reader.start();
        }

        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix)) return line;
            }
            return fail("no line starting '" + prefix + "' within " + WAIT.toSeconds() + " s; the terminal showed: " + transcript);
        }

        void type(String keys) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(keys.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> "did not exit; the terminal showed: " + transcript);
            return process.exitValue();
        }
    }

    /** What the terminal's settings are after the program: "icanon echo" when they are back to normal. */
    private static final String TERMINAL_AFTER = "echo \"after: $(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' ')\"";

    @Test
    void aTtyReportsItsSizeGoesRawEchoesALineAndIsPutBack() throws Exception {
        assumePty();
        InPty pty = new InPty("stty cols 91 rows 37; " + javaCommand("echo") + "; " + TERMINAL_AFTER);
        assertEquals("size 91x37", pty.await("size"));
        assertEquals("readable true false", pty.await("readable"));
        assertEquals("mode RAW", pty.await("mode"));
        pty.await("READY");
        pty.type("hello juv\r"); // Enter sends CR; raw mode hands it on as it is
        assertEquals("echo: hello juv", pty.await("echo:"));
        assertEquals("resume on stdout: refused", pty.await("resume on stdout"));
        assertEquals("closed true true", pty.await("closed"));
        assertEquals("mode after close RAW", pty.await("mode after close"), "the mode is Java state, readable after close");
        assertEquals("fd after close 0", pty.await("fd after close"));
        assertEquals("windowSize: SOCKET_CLOSED", pty.await("windowSize"));
        assertEquals("mode(NORMAL): SOCKET_CLOSED", pty.await("mode(NORMAL)"));
        assertEquals("write: ok", pty.await("write"), "a write on a closed stream returns false, never throws");
        assertEquals("resetMode: ok", pty.await("resetMode"));
        assertEquals("toString Tty[fd 0, closed]", pty.await("toString"));
        pty.await("DONE");
        assertEquals("after: icanon echo", pty.await("after:").trim(), "closing the Tty put the terminal back");
        assertEquals(0, pty.exit(), () -> "the terminal showed: " + pty.transcript);
    }

    @Test
    void theShutdownHookPutsARawTerminalBackWhenTheJvmExitsWithItOpen() throws Exception {
        assumePty();
        InPty pty = new InPty(javaCommand("exit-raw") + "; " + TERMINAL_AFTER);
        pty.await("raw, exiting");
        assertEquals("after: icanon echo", pty.await("after:").trim(), "the shutdown hook reset the terminal");
        assertEquals(0, pty.exit());
    }

    @Test
    void descriptorTypesInATerminalAPipeAndAFile(@TempDir Path dir) throws Exception {
        assumePty();
        InPty pty = new InPty(javaCommand("probe") + " 2>/dev/null");
        assertEquals("fd0 TTY", pty.await("fd0"));
        assertEquals("fd1 TTY", pty.await("fd1"));
        assertEquals(0, pty.exit());
        // Redirected: stdin from a file, stdout into a pipe (this JVM reads it), stderr to /dev/null (a device, not a terminal).
        Path input = Files.writeString(dir.resolve("in.txt"), "x");
        Process p = new ProcessBuilder("sh", "-c", javaCommand("probe") + " 2>/dev/null")
                .redirectInput(input.toFile()).start();
        started.add(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("fd0 FILE", "fd1 PIPE", "fd2 FILE"), out.lines().toList());
    }

    @Test
    void onlyTerminalsOpenAsTtys() {
        // Surefire's own descriptors are pipes or files; a socket pair is a pipe to libuv.
        int[] fds = Pipe.socketPair();
        Loops.run(loop -> {
            assertEquals(DescriptorType.PIPE, DescriptorType.of(fds[0]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tty.open(loop, fds[0], true, (t, d) -> { }));
            assertTrue(e.getMessage().contains("not a terminal but PIPE"), e.getMessage());
            assertEquals(DescriptorType.UNKNOWN, DescriptorType.of(100_000));
            assertThrows(IllegalArgumentException.class, () -> Tty.open(loop, 100_000, false, (t, d) -> { }));
            assertThrows(NullPointerException.class, () -> Tty.open(loop, 0, false, null));
            // Both ends adopted so that they are closed with the loop.
            Pipe.open(loop, fds[0], false, (s, d) -> { }).close();
            Pipe.open(loop, fds[1], false, (s, d) -> { }).close();
        });
        assertThrows(IllegalStateException.class, () -> {
            EventLoop closed = EventLoop.create();
            Loops.closeClean(closed);
            Tty.stdin(closed, (t, d) -> { });
        });
    }

    // ------------------------------------------------------------------ in this JVM, on a pty of its own

    @Test
    void aTtyOnAPtyInThisProcessReadsWritesSizesAndKeepsNoViewAlive() {
        assumeTrue(Pty.available(), "no /dev/ptmx: pseudo-terminals are a Linux test here");
        try (Pty pty = Pty.open()) {
            pty.size(100, 30);
            StringBuilder typed = new StringBuilder();
            java.nio.ByteBuffer[] kept = new java.nio.ByteBuffer[1];
            Object[] seen = new Object[3];
            Loops.run(loop -> {
                Loops.Watchdog wd = Loops.watchdog(loop);
                Tty tty = Tty.open(loop, pty.slave(), true, (t, data) -> {
                    kept[0] = data;
                    typed.append(StandardCharsets.UTF_8.decode(data));
                    if (typed.indexOf("\r") >= 0) {
                        t.write("got it\n");
                        t.mode(TtyMode.IO); // binary-safe: no output processing either
                        t.write("io\n");
                        t.close();
                        wd.cancel();
                    }
                });
                assertEquals(1, loop.stats().handles(io.juv.HandleKind.TTY));
                seen[0] = tty.windowSize();
                tty.mode(TtyMode.RAW);
                seen[1] = tty.mode();
                pty.size(120, 40); // the window grows; a program that handles SIGWINCH would ask again
                seen[2] = tty.windowSize();
                pty.type("abc\r".getBytes(StandardCharsets.UTF_8));
            });
            assertEquals(new WindowSize(100, 30), seen[0]);
            assertEquals(TtyMode.RAW, seen[1]);
            assertEquals(new WindowSize(120, 40), seen[2]);
            assertEquals("abc\r", typed.toString(), "raw mode: CR as typed, no echo, no line editing");
            StringBuilder shown = new StringBuilder();
            while (shown.length() < "got it\r\nio\n".length()) shown.append(new String(pty.read(64), StandardCharsets.UTF_8));
            assertEquals("got it\r\nio\n", shown.toString(), "RAW still turns LF into CRLF on output; IO does not");
            // The read view died with the loop's memory.
            assertThrows(IllegalStateException.class, () -> kept[0].get(0));
        }
    }
}
