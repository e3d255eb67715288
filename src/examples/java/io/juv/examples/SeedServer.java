package io.juv.examples;

import io.juv.EventLoop;
import io.juv.LoopStats;
import io.juv.Signal;
import io.juv.net.ListenOptions;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpServerGroup;
import io.juv.net.TcpSocket;
import io.juv.Timer;
import io.juv.UvException;
import io.juv.WriteCallback;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * cl-async's {@code tcp-server-test}, on juv: a TCP server that answers every request after a
 * timer with a fixed HTTP response and closes the socket once the write completed, printing
 * its stats every second. {@code --keep-alive} answers every complete HTTP/1.1 request on the
 * same connection at once instead, for the benchmarks. SIGINT closes the server and lets the
 * loop finish.
 *
 * <pre>
 * --host ADDR      bind address (default 0.0.0.0)
 * --port N         port (default 9009)
 * --delay MS       wait before answering (default 5000)
 * --keep-alive     answer every request at once, never close
 * --no-stats       do not print stats every second
 * --backlog N      listen backlog (default 4096)
 * --loops N        N event loops on N threads share the port (SO_REUSEPORT; default 1)
 * --hand-off       with --loops: one loop accepts and hands the sockets to the others over IPC pipes
 * --reuse-port     listen with SO_REUSEPORT, so that other processes can share the port
 * --alloc-report   print every second the bytes the loop thread allocated per request and per
 *                  connection ({@link AllocMeter}; one loop only)
 * </pre>
 *
 * With {@code --loops N} each loop has its own server and handlers (a {@link TcpServerGroup}), and a
 * loop on the main thread prints the stats summed over the loops and takes SIGINT, which ends every
 * loop at once (delayed answers still due are not sent).
 */
public final class SeedServer {

    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nDate: Wed, 03 Oct 2012 23:43:10 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 9\r\n\r\nomglolwtf").getBytes(StandardCharsets.US_ASCII);
    /** The response in native memory, as the C server keeps it: the kernel takes it from there, uncopied. */
    private static final MemorySegment NATIVE_RESPONSE = Arena.global().allocateFrom(ValueLayout.JAVA_BYTE, RESPONSE);

    private final EventLoop loop;
    private final Duration delay;
    private long finished;
    private long lastFinished;
    /** Connections accepted, for the allocation report. */
    private long connections;

    private SeedServer(EventLoop loop, Duration delay) {
        this.loop = loop;
        this.delay = delay;
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    /** The command line (the class comment lists it; {@code --help} prints it). */
    @Command(name = "seed-server", description = "cl-async's benchmark server: answers every request after --delay with a fixed "
            + "HTTP response and closes, or with --keep-alive every request at once; SIGINT closes it.")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--host", paramLabel = "ADDR", description = "bind address (default: ${DEFAULT-VALUE})")
        String host = "0.0.0.0";
        @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE}; 0 lets the system choose)")
        int port = 9009;
        @Option(names = "--delay", paramLabel = "MS", description = "wait before answering, in milliseconds (default: ${DEFAULT-VALUE})")
        long delayMs = 5000;
        @Option(names = "--keep-alive", description = "answer every request at once, never close")
        boolean keepAlive;
        boolean stats = true;
        @Option(names = "--backlog", paramLabel = "N", description = "listen backlog (default: ${DEFAULT-VALUE})")
        int backlog = 4096;
        @Option(names = "--loops", paramLabel = "N",
                description = "N event loops on N threads share the port (SO_REUSEPORT; default: ${DEFAULT-VALUE})")
        int loops = 1;
        @Option(names = "--hand-off", description = "with --loops: one loop accepts and hands the sockets to the others over IPC pipes")
        boolean handOff;
        @Option(names = "--reuse-port", description = "listen with SO_REUSEPORT, so that other processes can share the port")
        boolean reusePort;
        @Option(names = "--alloc-report",
                description = "print every second the bytes the loop thread allocated per request and per connection (one loop only)")
        boolean allocReport;

        // Both, the last one winning, as before: --no-stats is what the benchmarks pass.
        @Option(names = "--stats", description = "print the stats every second (the default)")
        void stats(boolean on) {
            stats = true;
        }

        @Option(names = "--no-stats", description = "do not print the stats every second")
        void noStats(boolean on) {
            stats = false;
        }

        @Override
        public Integer call() {
            if (loops < 1) throw Cli.usage("--loops must be at least 1: " + loops);
            if (allocReport && loops != 1) throw Cli.usage("--alloc-report measures one loop: not with --loops " + loops);
            ListenOptions listen = ListenOptions.DEFAULT.backlog(backlog).reusePort(reusePort);
            TcpServerGroup.Sharing sharing = handOff ? TcpServerGroup.Sharing.HAND_OFF : TcpServerGroup.Sharing.best();
            if (loops == 1) run(host, port, Duration.ofMillis(delayMs), keepAlive, stats, listen, allocReport);
            else runGroup(sharing, loops, host, port, Duration.ofMillis(delayMs), keepAlive, stats, listen);
            System.out.println("TCP server exited.");
            return 0;
        }
    }

    static void run(String host, int port, Duration delay, boolean keepAlive, boolean printStats, ListenOptions listen,
                    boolean allocReport) {
        EventLoop.start(loop -> {
            SeedServer server = new SeedServer(loop, delay);
            // A port already in use ends the program, with libuv's error on one line (Cli), not a server that
            // listens on nothing: the listen comes before errors are caught.
            TcpServer listener = loop.listen(host, port, listen, server.handler(keepAlive));
            // A bad request must not take the server down: errors are logged, the loop goes on.
            loop.catchErrors(true);
            if (allocReport) {
                new AllocMeter(AllocMeter.opaque(server, "finished"), AllocMeter.opaque(server, "connections")).start();
            }
            Timer statsTimer = printStats ? loop.interval(Duration.ofSeconds(1), t -> server.printStats()) : null;
            if (printStats) loop.onExit(server::printStats);
            loop.onSignal(Signal.INT, sig -> {
                loop.freeSignal(Signal.INT);
                listener.close();
                if (statsTimer != null) statsTimer.cancel();
                // Delayed answers still due are sent; idle keep-alive connections would wait forever.
                if (keepAlive) loop.exit();
            });
            System.out.println("juv " + (keepAlive ? "keep-alive" : "delay " + delay.toMillis() + " ms")
                    + " server listening on " + host + ":" + listener.port() + " (libuv " + EventLoop.libuvVersion() + ")");
        });
    }

    private SocketHandler handler(boolean keepAlive) {
        return keepAlive ? new KeepAlive() : new Delayed();
    }

    /**
     * --loops N: a {@link TcpServerGroup}, each loop with a SeedServer of its own (so the request
     * path is the single loop's, with no shared counter), and a loop on this thread for the stats
     * and SIGINT.
     */
    static void runGroup(TcpServerGroup.Sharing sharing, int loops, String host, int port, Duration delay, boolean keepAlive, boolean printStats,
                         ListenOptions listen) {
        Map<EventLoop, SeedServer> servers = new ConcurrentHashMap<>();
        TcpServerGroup group = TcpServerGroup.start(sharing, loops, host, port, listen, loop -> {
            loop.catchErrors(true);
            SeedServer server = new SeedServer(loop, delay);
            servers.put(loop, server);
            return server.handler(keepAlive);
        });
        long[] lastFinished = {0};
        EventLoop.start(main -> {
            Timer statsTimer = printStats ? main.interval(Duration.ofSeconds(1), t -> printGroupStats(group, servers, lastFinished)) : null;
            main.onSignal(Signal.INT, sig -> {
                main.freeSignal(Signal.INT);
                if (statsTimer != null) statsTimer.cancel();
                if (printStats) printGroupStats(group, servers, lastFinished);
                group.close();
            });
            // A group that ends by itself (a loop failed) ends the program too.
            group.terminated().whenComplete((v, e) -> main.execute(main::exit));
            System.out.println("juv " + (keepAlive ? "keep-alive" : "delay " + delay.toMillis() + " ms") + " server, "
                    + loops + " loops, listening on " + host + ":" + group.port() + " (libuv " + EventLoop.libuvVersion() + ")");
        });
        group.close();
    }

    /** The loops' counters, each read on its own loop, summed (and incoming per loop). */
    private static void printGroupStats(TcpServerGroup group, Map<EventLoop, SeedServer> servers, long[] lastFinished) {
        List<long[]> each;
        try {
            each = group.onEachLoop(loop -> {
                LoopStats s = loop.stats();
                return new long[] {s.incomingTcp(), s.outgoingTcp(), servers.get(loop).finished};
            }).get(1, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            System.out.println("stats unavailable: " + e);
            return;
        }
        long incoming = 0, outgoing = 0, finished = 0;
        StringJoiner perLoop = new StringJoiner(" + ");
        for (long[] s : each) {
            incoming += s[0];
            outgoing += s[1];
            finished += s[2];
            perLoop.add(Long.toString(s[0]));
        }
        System.out.printf("incoming: %d (%s), outgoing: %d, finished: %d, rate: %d req/s%n",
                incoming, perLoop, outgoing, finished, finished - lastFinished[0]);
        lastFinished[0] = finished;
    }

    private void printStats() {
        LoopStats s = loop.stats();
        System.out.printf("incoming: %d, outgoing: %d, finished: %d, rate: %d req/s%n",
                s.incomingTcp(), s.outgoingTcp(), finished, finished - lastFinished);
        lastFinished = finished;
    }

    /** cl-async's behaviour: one request, a timer, the response, close once it is written. */
    private final class Delayed implements SocketHandler {
        private final WriteCallback closeWhenWritten = (socket, error) -> {
            if (error == null) finished++;
            socket.closeNow(); // all written, nothing queued: as cl-async (and the C server), no shutdown first
        };

        @Override
        public void onConnect(TcpSocket socket) {
            connections++;
            // A client may half-close once its request is sent: it is still owed its answer.
            socket.allowHalfOpen(true);
        }

        @Override
        public void onEnd(TcpSocket socket) {
            if (socket.attachment() == null) socket.close(); // ended without asking anything
        }

        @Override
        public void onData(TcpSocket socket, ByteBuffer data) {
            if (socket.attachment() != null) return; // already answering
            socket.attach(loop.delay(delay, () -> {
                socket.write(NATIVE_RESPONSE, closeWhenWritten); // refused (and closed) if the client went away
            }));
        }

        @Override
        public void onClose(TcpSocket socket) {
            if (socket.attachment() instanceof Timer t) t.cancel(); // the client left before the answer
        }
    }

    /** HTTP/1.1 keep-alive: every request (ending in an empty line) is answered at once; never closes. */
    private final class KeepAlive implements SocketHandler {
        private final byte[] scratch = new byte[64 * 1024];

        @Override
        public void onConnect(TcpSocket socket) {
            connections++;
        }

        @Override
        public void onData(TcpSocket socket, ByteBuffer data) {
            int n = data.remaining();
            byte[] bytes = n <= scratch.length ? scratch : new byte[n];
            data.get(data.position(), bytes, 0, n); // one bulk copy; scanning an array is the JIT's best case
            int scanned = RequestEnds.scan(bytes, n, socket.attachment() instanceof Integer m ? m : 0);
            int requests = scanned >>> 2;
            // What matched of the next request's end, 0 to 3, boxed: Integer caches those, so a
            // connection costs no object of its own for it.
            socket.attach(scanned & 3);
            boolean writable = true;
            for (int i = 0; i < requests; i++) writable = socket.write(NATIVE_RESPONSE, null);
            finished += requests;
            // A peer that pipelines requests and never reads its answers must not grow the queue
            // without bound: stop reading until the queue drains, and TCP slows the peer down.
            if (!writable) socket.pause();
        }

        @Override
        public void onDrain(TcpSocket socket) {
            socket.resume();
        }

        @Override
        public void onError(TcpSocket socket, UvException error) {
            // Clients closing their connections is how a keep-alive benchmark ends: not worth a word.
        }
    }

    /**
     * Counts "\r\n\r\n" across reads: a request may arrive split anywhere, so what carries from
     * one read to the next is how much of it matched, 0 to 3.
     */
    static final class RequestEnds {
        private RequestEnds() {}

        /** Scans {@code length} bytes, {@code matched} bytes of an end already seen: the ends found times 4, plus what matched after the last. */
        static int scan(byte[] data, int length, int matched) {
            int found = 0;
            for (int i = 0; i < length; i++) {
                byte b = data[i];
                if (b == (matched % 2 == 0 ? '\r' : '\n')) {
                    if (++matched == 4) {
                        found++;
                        matched = 0;
                    }
                } else {
                    matched = b == '\r' ? 1 : 0;
                }
            }
            return found << 2 | matched;
        }
    }
}
