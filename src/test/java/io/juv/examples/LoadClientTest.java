package io.juv.examples;

import io.juv.Programs;
import io.juv.Programs.Running;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * juv's load client in each of its three loads, as the benchmark harness runs it (a JVM of its own),
 * against juv's seed server and, where make native built it, the C one: every run is a second or
 * two, and every figure it prints is checked against what the load must have done.
 */
@Timeout(120)
class LoadClientTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "summary: connections=(\\d+) replies=(\\d+) errors=(\\d+) seconds=([0-9.]+) peak=(\\d+)");
    private static final Path C_SERVER = Path.of("target", "native", "seed_server");

    @RegisterExtension
    final Programs programs = new Programs();

    private record Summary(long connections, long replies, long errors, double seconds, long peak) {}

    private Summary load(int port, String... options) throws InterruptedException, java.io.IOException {
        String[] args = new String[options.length + 2];
        args[0] = "--port";
        args[1] = Integer.toString(port);
        System.arraycopy(options, 0, args, 2, options.length);
        Running client = programs.java(LoadClient.class, args);
        String out = client.output();
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), () -> "no summary line in: " + out);
        assertEquals(0, client.process.exitValue(), () -> "exit status; output: " + out);
        return new Summary(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Double.parseDouble(m.group(4)), Long.parseLong(m.group(5)));
    }

    private Running juvServer(String... mode) throws java.io.IOException {
        String[] args = new String[mode.length + 5];
        System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", "0", "--no-stats"}, 0, args, 0, 5);
        System.arraycopy(mode, 0, args, 5, mode.length);
        return programs.java(SeedServer.class, args);
    }

    @Test
    void keepAliveSendsRequestAfterRequestOnEachConnection() throws Exception {
        Running server = juvServer("--keep-alive");
        int port = Programs.listeningPort(server);
        Summary s = load(port, "--keep-alive", "--connections", "10", "--duration", "1.5", "--latency");
        assertEquals(0, s.errors());
        assertEquals(10, s.peak(), "all ten open at once");
        assertEquals(10, s.connections(), "none dropped, none made again");
        // Even a loaded 2-core machine answers far more than one request per connection in 1.5 s.
        assertTrue(s.replies() > 100, () -> "replies: " + s.replies());
        assertTrue(s.seconds() >= 1.4 && s.seconds() < 5, () -> "seconds: " + s.seconds());
        assertEquals(0, server.interrupt());
    }

    /**
     * --warmup: one process warms up and then measures, the window's edges printed as lines of their
     * own (the harness reads the server's CPU time on each), the counts and seconds the window's only.
     */
    @Test
    void warmupThenAMeasuredWindowMarkedAtBothEdges() throws Exception {
        Running server = juvServer("--keep-alive");
        int port = Programs.listeningPort(server);
        Running client = programs.java(LoadClient.class, "--port", Integer.toString(port), "--keep-alive", "--connections", "4",
                "--warmup", "1", "--duration", "1", "--latency");
        String out = client.output();
        assertEquals(0, client.process.exitValue(), out);
        List<String> lines = out.lines().toList();
        int start = lines.indexOf(LoadClient.MEASURE_START), end = lines.indexOf(LoadClient.MEASURE_END);
        assertTrue(start >= 0 && end > start, () -> "the window's edges, in order: " + out);
        Matcher m = SUMMARY.matcher(out);
        assertTrue(m.find(), out);
        double seconds = Double.parseDouble(m.group(4));
        assertTrue(seconds >= 0.9 && seconds < 1.9, () -> "the measured second only, not the warm-up's: " + seconds);
        assertTrue(Long.parseLong(m.group(2)) > 100, out);
        assertEquals(0, Long.parseLong(m.group(3)), out);

        // A connection per request: the window until its last reply, every connection in it answered.
        Running cpr = juvServer("--delay", "0");
        Running c = programs.java(LoadClient.class, "--port", Integer.toString(Programs.listeningPort(cpr)), "--connections", "100000000",
                "--concurrency", "4", "--warmup", "0.5", "--duration", "1");
        String cout = c.output();
        assertEquals(0, c.process.exitValue(), cout);
        assertTrue(cout.indexOf(LoadClient.MEASURE_START) >= 0 && cout.indexOf(LoadClient.MEASURE_END) > cout.indexOf(LoadClient.MEASURE_START), cout);
        Matcher cm = SUMMARY.matcher(cout);
        assertTrue(cm.find(), cout);
        assertEquals(cm.group(1), cm.group(2), "every connection of the window got its reply");
        assertTrue(Double.parseDouble(cm.group(4)) < 1.9, cout);
        assertEquals(0, server.interrupt());
        assertEquals(0, cpr.interrupt());
    }

    @Test
    void refusesAWarmupWithoutADuration() throws Exception {
        Running client = programs.java(LoadClient.class, "--warmup", "2");
        String out = client.output();
        assertEquals(2, client.process.exitValue());
        assertTrue(out.contains("--warmup needs --duration"), out);
        assertTrue(!out.contains("\tat "), out);
    }

    @Test
    void connectionPerRequestMakesConnectionAfterConnection() throws Exception {
        Running server = juvServer("--delay", "0");
        int port = Programs.listeningPort(server);
        Summary s = load(port, "--connections", "100000000", "--concurrency", "8", "--duration", "1.5");
        assertEquals(0, s.errors());
        assertEquals(s.connections(), s.replies(), "every connection got its reply");
        assertTrue(s.replies() > 50, () -> "replies: " + s.replies());
        assertTrue(s.peak() <= 8, () -> "at most 8 at once: " + s.peak());
        assertEquals(0, server.interrupt());
    }

    @Test
    void heldConnectionsAreAllOpenAtOnce() throws Exception {
        Running server = juvServer("--delay", "1000");
        int port = Programs.listeningPort(server);
        Summary s = load(port, "--connections", "200", "--timeout", "30");
        assertEquals(new Summary(200, 200, 0, s.seconds(), 200), s, "200 held at once, each answered after the delay");
        assertTrue(s.seconds() >= 0.9, () -> "the replies came after the server's delay: " + s.seconds());
        assertEquals(0, server.interrupt());
    }

    @Test
    void drivesTheCServerToo() throws Exception {
        assumeTrue(Files.isExecutable(C_SERVER), "target/native/seed_server is not built (make native)");
        Running ka = programs.run(C_SERVER.toString(), "--host", "127.0.0.1", "--port", "0", "--keep-alive");
        Summary s = load(Programs.listeningPort(ka), "--keep-alive", "--connections", "4", "--duration", "1");
        assertEquals(0, s.errors());
        assertTrue(s.replies() > 100, () -> "replies: " + s.replies());
        ka.process.destroy();

        Running delayed = programs.run(C_SERVER.toString(), "--host", "127.0.0.1", "--port", "0", "--delay", "0");
        Summary c = load(Programs.listeningPort(delayed), "--connections", "100000000", "--concurrency", "4", "--duration", "1");
        assertEquals(0, c.errors());
        assertEquals(c.connections(), c.replies());
        assertTrue(c.replies() > 50, () -> "replies: " + c.replies());
    }

    @Test
    void refusesKeepAliveWithoutADuration() throws Exception {
        Running client = programs.java(LoadClient.class, "--keep-alive", "--connections", "1");
        String out = client.output();
        assertEquals(2, client.process.exitValue());
        assertTrue(out.contains("--keep-alive needs --duration"), out);
    }
}
