package io.juv.reliability;

import io.juv.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A juv TCP server (and a pipe server) out of file descriptors (issue 9, item 5), in a JVM of its own
 * ({@link FdExhaustionMain}) started under {@code prlimit --nofile}: a storm of connects while no
 * fd is left; the server keeps listening, its loop thread does not spin, it reports the condition
 * at most once per back-off, and it accepts again within 2 s of the fds coming back; and file
 * opens and spawns out of fds fail typed, leak nothing and work again; each storm ends with the
 * server, its connections and the loop closed, nothing left (a leak gate, fds included). Figures
 * on this 2-core VM under load, the same on libuv 1.44 and 1.50: the loop thread took 3 to 10% of
 * a core over a storm of some 14,000 connects while libuv shed them with its spare; with that
 * spare lost, 0.1 to 0.4% over the storm and 0.05% while backing off, 6 or 7 reports in 3 s,
 * served again 0.5 to 0.6 s after the fds came back (the back-off had reached 1 s). Without the
 * back-off, libuv 1.44 without its spare made 354,919 reports in 3 s and spun (30% of a core
 * here, all of one on a quiet machine); without the watch for it, libuv 1.50 reported nothing
 * and spun (25 to 38% of a core over the storm, 34 to 58% while out of fds). Linux only
 * (the forked main reads RLIMIT_NOFILE through libc; /proc for fds). Each storm lasts
 * {@code juv.fd.storm.millis} (2 s) plus a quiet second; the class takes about 17 s.
 */
@Reliability
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class FdExhaustionTest {

    static final int FD_LIMIT = 512;
    static final long STORM_MILLIS = Long.getLong("juv.fd.storm.millis", 2000);
    static final long QUIET_MILLIS = 1000;

    @RegisterExtension
    final Programs programs = new Programs();

    /**
     * What a storm showed: connects that completed and failed, the loop thread's CPU time over
     * the storm and over the quiet second after it as a share of one core, the accept errors
     * reported over the whole time the server was out of fds, and how long after the fds came
     * back a new connection was served.
     */
    record Figures(String libuv, int connected, int failed, double stormCpu, double quietCpu, long reports, long exhaustedMillis,
                   long reacceptMillis, String stats) {}

    private Programs.Running start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + FD_LIMIT + ":" + FD_LIMIT));
        command.addAll(Programs.javaCommand(FdExhaustionMain.class, List.of(), args));
        return programs.run(command.toArray(String[]::new));
    }

    private static long number(Programs.Running p, String command, String prefix) throws Exception {
        p.write(command + "\n");
        return Long.parseLong(p.awaitContaining(prefix).substring(prefix.length()).trim());
    }

    private static final Pattern REPORTS = Pattern.compile("reports=(\\d+)");

    private Figures storm(String... args) throws Exception {
        Programs.Running server = start(args);
        String libuv = server.awaitContaining("libuv ").substring("libuv ".length());
        server.awaitContaining("filled");
        Target target = Target.of(server);
        long cpuBefore = number(server, "cpu", "cpu ");
        long t0 = System.nanoTime();
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<java.io.Closeable> clients = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> stormers = Stream.generate(() -> Thread.ofPlatform().start(() -> {
            long end = t0 + STORM_MILLIS * 1_000_000;
            while (System.nanoTime() < end) {
                try {
                    clients.add(target.connect());
                    connected.incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }
        })).limit(4).toList();
        for (Thread t : stormers) t.join();
        long wall = System.nanoTime() - t0;
        long cpuAfter = number(server, "cpu", "cpu ");
        // Still out of fds, the clients still connected, no new connects: a spinning loop shows here.
        long q0 = System.nanoTime();
        Thread.sleep(QUIET_MILLIS);
        long cpuQuiet = number(server, "cpu", "cpu ");
        long quietWall = System.nanoTime() - q0;
        long exhaustedMillis = (System.nanoTime() - t0) / 1_000_000;
        server.write("stats\n");
        String stats = server.awaitContaining("stats ");
        for (java.io.Closeable c : clients) c.close();
        Matcher m = REPORTS.matcher(stats);
        assertTrue(m.find(), stats);
        server.write("release\n");
        server.awaitContaining("released");
        long released = System.nanoTime();
        long reaccept = -1;
        while (System.nanoTime() - released < 10_000_000_000L) {
            try {
                if (target.greeted()) {
                    reaccept = (System.nanoTime() - released) / 1_000_000;
                    break;
                }
            } catch (IOException retry) {
                Thread.sleep(20);
            }
        }
        // Everything closed, the loop too: no handle, request, key or native byte left, and the fds the process had before it.
        server.write("close\n");
        String closed = server.await(l -> l.startsWith("closed "), "closing");
        assertEquals("closed ok", closed, () -> String.join("\n", server.transcript));
        Figures f = new Figures(libuv, connected.get(), failed.get(), (double) (cpuAfter - cpuBefore) / wall,
                (double) (cpuQuiet - cpuAfter) / quietWall, Long.parseLong(m.group(1)), exhaustedMillis, reaccept, stats);
        System.out.println("fd exhaustion " + String.join(" ", args) + ": " + f);
        return f;
    }

    /** How the clients reach the server: TCP on loopback, or the Unix socket of a pipe server. */
    private interface Target {
        /** A connection for the storm; fails at once (or after 200 ms on TCP) when the server's backlog is full. */
        java.io.Closeable connect() throws IOException;

        /** Whether a new connection is greeted with "hi" within 500 ms. */
        boolean greeted() throws IOException, InterruptedException;

        static Target of(Programs.Running server) throws InterruptedException {
            String line = server.awaitContaining("listening on ");
            String where = line.substring(line.indexOf("listening on ") + "listening on ".length());
            if (where.startsWith("pipe ")) return new Unix(java.net.UnixDomainSocketAddress.of(where.substring("pipe ".length())));
            return new Tcp(Integer.parseInt(where.substring(where.lastIndexOf(':') + 1).trim()));
        }
    }

    private record Tcp(int port) implements Target {
        public java.io.Closeable connect() throws IOException {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        public boolean greeted() throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(500);
                return "hi".equals(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            }
        }
    }

    /** Non-blocking connects: a blocking one to a Unix socket waits as long as the backlog is full. */
    private record Unix(java.net.UnixDomainSocketAddress address) implements Target {
        public java.io.Closeable connect() throws IOException {
            java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            try {
                c.configureBlocking(false);
                if (!c.connect(address)) throw new IOException("connect in progress");
                return c;
            } catch (IOException e) {
                c.close();
                throw e;
            }
        }

        public boolean greeted() throws IOException, InterruptedException {
            try (java.nio.channels.SocketChannel c = (java.nio.channels.SocketChannel) connect()) {
                java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(3);
                long end = System.nanoTime() + 500_000_000L;
                while (in.hasRemaining() && System.nanoTime() < end) {
                    if (c.read(in) < 0) return false;
                    if (in.hasRemaining()) Thread.sleep(5);
                }
                return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).equals("hi\n");
            }
        }
    }

    private static final Pattern REPORT_TIME = Pattern.compile("@(\\d+)");

    /**
     * The figures every storm must show: listening, not spinning (the loop thread under
     * {@code stormCpuBound} of a core over the storm and 2% over the quiet second after it),
     * reporting at most once per back-off (100 ms at the least), serving again within 2 s.
     */
    private static void assertWithstood(Figures f, double stormCpuBound) {
        assertTrue(f.connected > 0, f::toString);
        assertEquals(io.juv.EventLoop.libuvVersion(), f.libuv, "the forked server runs the libuv the suite runs");
        assertTrue(f.stormCpu < stormCpuBound, () -> "the loop thread spun during the storm: " + f);
        assertTrue(f.quietCpu < 0.02, () -> "the loop thread spun while out of fds: " + f);
        assertTrue(f.reports <= 2 + f.exhaustedMillis / 100, () -> "more than one report per back-off: " + f);
        // Each report starts a back-off or ends one that failed: two never come closer than the shortest back-off.
        Matcher t = REPORT_TIME.matcher(f.stats);
        for (long previous = -1; t.find(); ) {
            long at = Long.parseLong(t.group(1));
            long gap = at - previous;
            assertTrue(previous < 0 || gap >= 90, () -> "two reports " + gap + " ms apart: " + f);
            previous = at;
        }
        assertTrue(f.reacceptMillis >= 0 && f.reacceptMillis < 2000, () -> "not serving within 2 s of the fds coming back: " + f);
    }

    /**
     * libuv's emfile trick: each connection is accepted and closed at once by libuv, which reports
     * nothing. Shedding some 14,000 connects is real work: 3 to 10% of a core measured here.
     */
    @Test
    void withLibuvsSpareTheConnectionsAreShed() throws Exception {
        Figures f = storm("reserve", "5");
        assertWithstood(f, 0.5);
        assertTrue(f.stats.contains("accepted=5 "), f::toString);
    }

    /**
     * Without libuv's spare (another thread took the fd its trick freed), libuv 1.44 calls back
     * with EMFILE in a loop that does not return, and libuv 1.45 and later return to the loop and
     * try again at once, reporting nothing (the loop spun at 12 to 38% of a core over the storm
     * here, 34 to 58% while out of fds, all of one on a quiet machine): on both, juv backs off,
     * reports once per back-off, and pauses the listener until fds are back. The loop thread
     * measured 0.1 to 0.4% of a core over the storm and 0.05% after it, so the bounds (5% and 2%)
     * are ten times what it takes and a fraction of what a spin takes on a loaded machine.
     */
    @Test
    void withoutLibuvsSpareTheServerBacksOff() throws Exception {
        Figures f = storm("noreserve");
        assertWithstood(f, 0.05);
        assertTrue(f.reports >= 1, () -> "out of fds and nothing reported: " + f);
        assertTrue(f.stats.contains("TOO_MANY_OPEN_FILES"), f::toString);
    }

    /** The same with a pipe server on a Unix socket: the watch and the back-off serve every kind of listening stream. */
    @Test
    void withoutLibuvsSpareAPipeServerBacksOff(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Figures f = storm("noreserve", "pipe", dir.resolve("fd.sock").toString());
        assertWithstood(f, 0.05);
        assertTrue(f.reports >= 1, () -> "out of fds and nothing reported: " + f);
        assertTrue(f.stats.contains("TOO_MANY_OPEN_FILES"), f::toString);
    }

    /** A file open and spawns out of fds: TOO_MANY_OPEN_FILES, nothing left behind (leak gate), and each works again once fds are back. */
    @Test
    void fileOpensAndSpawnsFailTypedAndWorkAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("data"), "data");
        Programs.Running p = start("resources", file.toString());
        String result = p.await(l -> l.startsWith("resources "), "with the result");
        assertEquals("resources ok", result, () -> String.join("\n", p.transcript));
        System.out.println("fd exhaustion resources: " + p.transcript);
        assertEquals(0, p.waitForExit());
    }
}
