package io.juv.examples;

import io.juv.Programs;
import io.juv.Programs.Running;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
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
