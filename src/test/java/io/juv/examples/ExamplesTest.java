package io.juv.examples;

import io.juv.Programs;
import io.juv.Programs.Running;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The examples, each run as a program of its own and driven by clients no one here wrote: socat
 * and OpenBSD netcat (Debian: {@code apt-get install socat netcat-openbsd}; skipped when they are
 * missing). Servers listen on a port the system chooses, read back from what they print. Every
 * process started here is destroyed when the test ends, and every wait is bounded.
 */
@Timeout(120)
class ExamplesTest {

    private static final Duration WAIT = Programs.WAIT;

    @RegisterExtension
    final Programs programs = new Programs();

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ processes

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) return true;
        }
        return false;
    }

    private static void assumeSocat() {
        assumeTrue(onPath("socat"), "socat is not installed (apt-get install socat)");
    }

    /** OpenBSD's netcat: its -N (shut the socket down at the end of input) is what these tests use. */
    private static void assumeOpenBsdNetcat() throws IOException, InterruptedException {
        assumeTrue(onPath("nc"), "nc is not installed (apt-get install netcat-openbsd)");
        Process p = new ProcessBuilder("nc", "-h").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        p.destroyForcibly();
        assumeTrue(help.contains("OpenBSD"), "nc is not OpenBSD's netcat (apt-get install netcat-openbsd)");
    }

    /** An example's main in a JVM of its own, as {@code make example} runs it. */
    private Running example(Class<?> main, String... args) throws IOException {
        return programs.java(main, args);
    }

    private Running client(String... command) throws IOException {
        return programs.run(command);
    }

    // ------------------------------------------------------------------ echo

    @Test
    void echoSendsSocatsBytesBack() throws Exception {
        assumeSocat();
        Running echo = example(Echo.class, "--port", "0");
        int port = Programs.listeningPort(echo);
        // Past the 64 KiB high water mark and the kernel's buffers: the echo's backpressure is used.
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(data);
        Path in = dir.resolve("in.bin"), out = dir.resolve("out.bin");
        Files.write(in, data);
        // -t 10: after its input ends socat half-closes and waits for the echo to end.
        Process socat = programs.start(new ProcessBuilder("socat", "-t", "10", "-", "TCP:127.0.0.1:" + port)
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT));
        assertTrue(socat.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "socat did not finish");
        assertEquals(0, socat.exitValue());
        assertArrayEquals(data, Files.readAllBytes(out));

        assertEquals(0, echo.interrupt(), () -> "SIGINT; its output: " + echo.transcript);
        echo.awaitContaining("echo server exited");
    }

    // ------------------------------------------------------------------ udp-echo

    @Test
    void udpEchoSendsSocatsDatagramsBack() throws Exception {
        assumeSocat();
        Running echo = example(UdpEcho.class, "--port", "0");
        int port = Programs.listeningPort(echo);
        // socat sends what it reads from its input as datagrams and prints what comes back;
        // -t 2: after its input ends it waits that long for the echo.
        Running socat = client("socat", "-t", "2", "-", "UDP:127.0.0.1:" + port);
        socat.write("hello over udp\n");
        assertEquals("hello over udp", socat.awaitContaining("hello over udp"));
        socat.write("a second datagram\n");
        socat.awaitContaining("a second datagram");
        socat.endInput();
        assertEquals(0, socat.waitForExit(), () -> "socat; its output: " + socat.transcript);

        assertEquals(0, echo.interrupt(), () -> "SIGINT; its output: " + echo.transcript);
        echo.awaitContaining("udp echo exited");
    }

    @Test
    void echoSendsNetcatsLinesBack() throws Exception {
        assumeOpenBsdNetcat();
        Running echo = example(Echo.class, "--port", "0");
        int port = Programs.listeningPort(echo);
        // -N: nc ends its side when its input ends, and the server then ends the echo.
        Running nc = client("nc", "-N", "127.0.0.1", Integer.toString(port));
        nc.write("hello from nc\n");
        assertEquals("hello from nc", nc.await(l -> l.contains("hello"), "echoed"));
        nc.write("and once more\n");
        nc.endInput();
        assertEquals("and once more", nc.await(l -> l.contains("more"), "echoed"));
        assertEquals(0, nc.waitForExit());

        assertEquals(0, echo.interrupt(), () -> "SIGINT; its output: " + echo.transcript);
        echo.awaitContaining("echo server exited");
    }

    // ------------------------------------------------------------------ chat

    @Test
    void chatBetweenTwoNetcats() throws Exception {
        assumeOpenBsdNetcat();
        Running chat = example(Chat.class, "--port", "0");
        String port = Integer.toString(Programs.listeningPort(chat));

        Running a = client("nc", "127.0.0.1", port);
        a.awaitContaining("* welcome, ");
        // -N: when its input ends, b shuts its side down, and the server sees it leave.
        Running b = client("nc", "-N", "127.0.0.1", port);
        String welcome = b.awaitContaining("* welcome, ");
        assertTrue(welcome.contains("1 other here"), welcome);
        String joined = a.awaitContaining(" joined");
        String bName = joined.substring(2, joined.indexOf(' ', 2));

        // One line in three pieces, each its own read on the server: it goes out whole, once.
        a.write("hel");
        Thread.sleep(150);
        a.write("lo from ");
        Thread.sleep(150);
        a.write("a\nand a second line\n");
        String got = b.await(l -> l.contains("hello"), "with a's line");
        assertTrue(got.endsWith(": hello from a"), got);
        String aName = got.substring(0, got.indexOf(':'));
        assertEquals(aName + ": and a second line", b.await(l -> l.contains("second"), "with a's second line"));

        b.write("hi from b\r\n");
        assertEquals(bName + ": hi from b", a.await(l -> l.contains("hi from b"), "with b's line"));

        b.endInput();
        assertEquals("* " + bName + " left", a.awaitContaining(" left"));
        assertEquals(0, b.waitForExit());

        assertEquals(0, chat.interrupt(), () -> "SIGINT; its output: " + chat.transcript);
        chat.awaitContaining("chat server exited");
        a.awaitContaining("shutting down");
        assertTrue(a.transcript.stream().noneMatch(l -> l.contains("hello")), () -> "a got its own line back: " + a.transcript);
    }

    @Test
    void chatDropsAClientThatStopsReading() throws Exception {
        Running chat = example(Chat.class, "--port", "0");
        int port = Programs.listeningPort(chat);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Socket slow = new Socket(); Socket sender = new Socket(loopback, port)) {
            // Never read: the server's queue for it fills past the high water mark.
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(loopback, port));
            LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
            AtomicBoolean dropped = new AtomicBoolean();
            Thread listener = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(sender.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        heard.add(line);
                        if (line.contains("was dropped")) dropped.set(true);
                    }
                } catch (IOException closed) {
                    // the socket closed at the end of the test
                }
            }, "sender's reader");
            listener.setDaemon(true);
            listener.start();

            byte[] line = ("x".repeat(999) + "\n").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = sender.getOutputStream();
            long sent = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!dropped.get() && sent < 200L * 1024 * 1024 && System.nanoTime() < deadline) {
                out.write(line);
                sent += line.length;
            }
            long sentLines = sent / line.length;
            assertTrue(dropped.get(), () -> "not dropped after " + sentLines + " lines; the sender heard: " + heard);
            // The slow client's connection is gone: once it has read what reached it, it ends, short
            // of what was sent (at least the high water mark's worth was dropped with its queue).
            slow.setSoTimeout((int) WAIT.toMillis());
            InputStream in = slow.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long gotLines = 0;
            byte previous = 0;
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n' && previous == 'x') gotLines++;
                        previous = buf[i];
                    }
                }
            } catch (java.net.SocketException reset) {
                // a reset ends it as well as an end of stream does
            }
            assertTrue(gotLines < sentLines, "the slow client got all " + sentLines + " lines: nothing was dropped");
        }
        assertEquals(0, chat.interrupt(), () -> "SIGINT; its output: " + chat.transcript);
    }

    /**
     * Found by ExampleFuzzTest: a peer that resets before its connection is accepted has no
     * address any more, and asking for it in onConnect threw from the chat's handler.
     */
    @Test
    void chatShrugsOffClientsThatResetAtOnce() throws Exception {
        Running chat = example(Chat.class, "--port", "0");
        int port = Programs.listeningPort(chat);
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        for (int i = 0; i < 300; i++) {
            Socket s = new Socket();
            s.connect(at);
            s.setSoLinger(true, 0);
            s.close();
        }
        try (Socket a = new Socket(at.getAddress(), port)) {
            a.setSoTimeout((int) WAIT.toMillis());
            String welcome = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(welcome.startsWith("* welcome, guest"), welcome);
        }
        assertEquals(0, chat.interrupt(), () -> "SIGINT; its output: " + chat.transcript);
        assertEquals(List.of(), chat.transcript.stream().filter(l -> l.contains("SEVERE") || l.contains("Exception")).limit(2).toList(),
                "the chat's handler failed");
    }

    // ------------------------------------------------------------------ seed-server

    /**
     * Found by ExampleFuzzTest: in its delayed mode the seed server closed a connection whose
     * client half-closed after its request, so the request went unanswered.
     */
    @Test
    void seedServerAnswersAClientThatHalfClosedAfterItsRequest() throws Exception {
        Running server = example(SeedServer.class, "--host", "127.0.0.1", "--port", "0", "--delay", "100", "--no-stats");
        int port = Programs.listeningPort(server);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertArrayEquals(SeedServer.RESPONSE, s.getInputStream().readAllBytes());
        }
        // One that half-closes having asked nothing is closed at once, not held open.
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
        }
        assertEquals(0, server.interrupt(), () -> "SIGINT; its output: " + server.transcript);
    }

    // ------------------------------------------------------------------ watch and work

    @Test
    void watchPrintsCreateChangeAndRenameAsTheyCome() throws Exception {
        Path watched = Files.createDirectory(dir.resolve("watched"));
        Running watch = example(Watch.class, watched.toString());
        watch.awaitContaining("watching ");
        Files.writeString(watched.resolve("a.txt"), "one");
        watch.await(l -> l.startsWith("rename") && l.endsWith(" a.txt"), "reporting a.txt created");
        Files.writeString(watched.resolve("a.txt"), "two, longer", java.nio.file.StandardOpenOption.APPEND);
        watch.await(l -> l.contains("change") && l.endsWith(" a.txt"), "reporting a.txt changed");
        Files.move(watched.resolve("a.txt"), watched.resolve("b.txt"));
        watch.await(l -> l.startsWith("rename") && l.endsWith(" b.txt"), "reporting the rename to b.txt");
        assertEquals(0, watch.interrupt(), () -> "SIGINT; its output: " + watch.transcript);
        watch.awaitContaining("watch exited");
    }

    @Test
    void watchOfAPathThatDoesNotExistExitsOne() throws Exception {
        Running watch = example(Watch.class, dir.resolve("nothing-here").toString());
        assertEquals(1, watch.waitForExit(), () -> "its output: " + watch.transcript);
    }

    @Test
    void tailPrintsWhatAFileGainsAsItGrows() throws Exception {
        Path log = dir.resolve("growing.log");
        Files.writeString(log, "old line, before tail started\n");
        Running tail = example(Tail.class, log.toString());
        tail.awaitContaining("following " + log + " from byte 30");
        Files.writeString(log, "first\n", java.nio.file.StandardOpenOption.APPEND);
        tail.await(l -> l.equals("first"), "printing the first appended line");
        Files.writeString(log, "second\nthird\n", java.nio.file.StandardOpenOption.APPEND);
        tail.await(l -> l.equals("third"), "printing the later lines");
        assertEquals(0, tail.interrupt(), () -> "SIGINT; its output: " + tail.transcript);
        assertFalse(tail.transcript.contains("old line, before tail started"), () -> "it printed from the start: " + tail.transcript);
        assertTrue(tail.transcript.contains("second"), () -> "its output: " + tail.transcript);
    }

    @Test
    void tailFromTheStartOfAMissingFileExitsOne() throws Exception {
        Running tail = example(Tail.class, "--from-start", dir.resolve("missing.log").toString());
        assertEquals(1, tail.waitForExit(), () -> "its output: " + tail.transcript);
        tail.awaitContaining("NOT_FOUND");
    }

    @Test
    void workRunsItsJobsOnTheWorkersAndSaysWhenAllAreDone() throws Exception {
        Running work = example(Work.class, "12");
        Matcher pool = Pattern.compile("a pool of (\\d+) threads").matcher(work.awaitContaining("jobs on a pool of"));
        assertTrue(pool.find());
        int poolSize = Integer.parseInt(pool.group(1));
        String line = work.awaitContaining("all 12 jobs done");
        assertTrue(line.contains("on the loop thread: true"), line);
        Matcher m = Pattern.compile("on (\\d+) worker threads").matcher(line);
        assertTrue(m.find(), line);
        int workers = Integer.parseInt(m.group(1));
        assertTrue(workers >= 1 && workers <= poolSize, line);
        assertEquals(0, work.waitForExit(), () -> "its output: " + work.transcript);
    }

    // ------------------------------------------------------------------ dns

    @Test
    void dnsPrintsTheAddressesOfLocalhostAndTheFirstOnesName() throws Exception {
        Running dns = example(Dns.class, "localhost");
        dns.await(l -> l.equals("127.0.0.1"), "that is 127.0.0.1");
        String name = dns.await(l -> l.startsWith("name "), "with the first address's name");
        assertEquals(3, name.split(" ").length, name);
        assertEquals(0, dns.waitForExit(), () -> "its output: " + dns.transcript);
    }

    @Test
    void dnsOfANameThatDoesNotExistExitsOne() throws Exception {
        Running dns = example(Dns.class, "juv-example-" + Long.toHexString(System.nanoTime()) + ".invalid");
        assertEquals(1, dns.waitForExit(), () -> "its output: " + dns.transcript);
        dns.awaitContaining("HOST_NOT_FOUND");
    }

    // ------------------------------------------------------------------ spawn

    @Test
    void spawnStreamsLsAndPrintsItsExitStatus() throws Exception {
        Running spawn = example(Spawn.class, "ls", "-l", "/");
        spawn.await(l -> l.endsWith(" tmp"), "listing /tmp");
        spawn.awaitContaining("[ls, -l, /]: exit status 0");
        assertEquals(0, spawn.waitForExit(), () -> "its output: " + spawn.transcript);
    }

    @Test
    void spawnMarksStderrLinesAndExitsWithTheChildsStatus() throws Exception {
        Running spawn = example(Spawn.class, "sh", "-c", "echo out; printf 'err one\\nerr ' >&2; sleep 0.1; echo two >&2; exit 3");
        spawn.await(l -> l.equals("out"), "that is the child's stdout");
        spawn.await(l -> l.equals("[stderr] err one"), "with the first stderr line marked");
        // Written in two pieces, printed as one line.
        spawn.await(l -> l.equals("[stderr] err two"), "with the second stderr line whole");
        spawn.awaitContaining("exit status 3");
        assertEquals(3, spawn.waitForExit(), () -> "its output: " + spawn.transcript);
    }

    @Test
    void spawnOfAMissingProgramExits127() throws Exception {
        Running spawn = example(Spawn.class, "/nonexistent/juv-program");
        assertEquals(127, spawn.waitForExit(), () -> "its output: " + spawn.transcript);
        spawn.awaitContaining("NOT_FOUND");
    }

    // ------------------------------------------------------------------ copy

    @Test
    void copyCopiesAFileByteForByteWithItsMode() throws Exception {
        Path src = dir.resolve("source"), dst = dir.resolve("copy");
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(11).nextBytes(data);
        Files.write(src, data);
        Files.setPosixFilePermissions(src, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Running copy = example(Copy.class, src.toString(), dst.toString());
        copy.await(l -> l.contains("copied") && l.contains("(100%)"), "with the progress at 100%");
        copy.await(l -> l.startsWith("copied " + data.length + " bytes in "), "with the summary");
        assertEquals(0, copy.waitForExit(), () -> "its output: " + copy.transcript);
        assertArrayEquals(data, Files.readAllBytes(dst));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dst)));
    }

    @Test
    void copyOfAMissingFileExitsOneNamingTheError() throws Exception {
        Running copy = example(Copy.class, dir.resolve("missing").toString(), dir.resolve("copy").toString());
        assertEquals(1, copy.waitForExit(), () -> "its output: " + copy.transcript);
        copy.awaitContaining("NOT_FOUND");
        assertTrue(Files.notExists(dir.resolve("copy")));
    }

    // ------------------------------------------------------------------ sysinfo

    @Test
    void sysinfoPrintsEveryFact() throws Exception {
        Running info = example(Sysinfo.class);
        info.await(l -> l.matches("cpus: [1-9][0-9]*"), "with the CPU count");
        assertEquals(0, info.waitForExit(), () -> "its output: " + info.transcript);
        String all = String.join("\n", info.transcript);
        for (String key : List.of("libuv", "system", "hostname", "pid", "process title", "home", "tmpdir", "uptime", "hrtime",
                "load average", "total memory", "free memory", "available memory", "constrained memory", "resident set",
                "available parallelism", "cpus", "cpu 0", "interface lo", "rusage")) {
            assertTrue(all.contains("\n" + key + ":") || all.startsWith(key + ":"), () -> "no '" + key + ":' line in " + all);
        }
        info.await(l -> l.matches("random: [0-9a-f]{32}"), "with 16 random bytes");
    }
}
