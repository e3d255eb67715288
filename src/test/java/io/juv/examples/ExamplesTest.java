package io.juv.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The examples, each run as a program of its own and driven by clients no one here wrote: socat
 * and OpenBSD netcat (Debian: {@code apt-get install socat netcat-openbsd}; skipped when they are
 * missing). Servers listen on a port the system chooses, read back from what they print. Every
 * process started here is destroyed when the test ends, and every wait is bounded.
 */
@Timeout(120)
class ExamplesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void destroyEverythingStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

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

    /** A process whose output is read line by line as it comes, on a thread of its own. */
    private final class Running {
        final Process process;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());

        Running(ProcessBuilder pb) throws IOException {
            process = pb.redirectErrorStream(true).start();
            started.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        transcript.add(line);
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // destroyed: nothing more to read
                }
            }, "output of " + pb.command().getFirst());
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line that matches, skipping the others; fails with the transcript after {@link #WAIT}. */
        String await(Predicate<String> wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null && wanted.test(line)) return line;
            }
            return fail("no line " + what + " within " + WAIT.toSeconds() + " s; the output was: " + transcript);
        }

        String awaitContaining(String text) throws InterruptedException {
            return await(l -> l.contains(text), "containing '" + text + "'");
        }

        void write(String text) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void endInput() throws IOException {
            process.getOutputStream().close();
        }

        int waitForExit() throws InterruptedException {
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> "did not exit; its output: " + transcript);
            return process.exitValue();
        }

        /** SIGINT, as Ctrl-C sends it. */
        int interrupt() throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            return waitForExit();
        }
    }

    /** An example's main in a JVM of its own, as {@code make example} runs it. */
    private Running example(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new Running(new ProcessBuilder(command));
    }

    /** Starts a server example on a port the system chooses and gives back that port. */
    private static int listeningPort(Running server) throws InterruptedException {
        Matcher m = LISTENING.matcher(server.await(l -> LISTENING.matcher(l).find(), "saying where it listens"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(2));
    }

    private Running client(String... command) throws IOException {
        return new Running(new ProcessBuilder(command));
    }

    // ------------------------------------------------------------------ echo

    @Test
    void echoSendsSocatsBytesBack() throws Exception {
        assumeSocat();
        Running echo = example(Echo.class, "--port", "0");
        int port = listeningPort(echo);
        // Past the 64 KiB high water mark and the kernel's buffers: the echo's backpressure is used.
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(data);
        Path in = dir.resolve("in.bin"), out = dir.resolve("out.bin");
        Files.write(in, data);
        // -t 10: after its input ends socat half-closes and waits for the echo to end.
        Process socat = new ProcessBuilder("socat", "-t", "10", "-", "TCP:127.0.0.1:" + port)
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(socat);
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
        int port = listeningPort(echo);
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
        int port = listeningPort(echo);
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
        String port = Integer.toString(listeningPort(chat));

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
        int port = listeningPort(chat);
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
}
