package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.StreamServer;
import io.juv.Timer;
import io.juv.UvException;
import io.juv.fs.Fs;
import io.juv.net.TcpServer;
import io.juv.net.TlsCerts;
import io.juv.net.TlsOptions;
import io.juv.net.Udp;
import io.juv.net.UdpHandler;
import io.juv.process.ProcessOptions;
import io.juv.process.Stdio;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The cycles the leak gates and the soak run: each opens what it needs, does one small piece of
 * real work whose result it checks, and closes all of it. Errors they did not provoke are kept.
 */
final class Cycles {

    private Cycles() {}

    /** A payload that differs per cycle, so a byte from another connection would be noticed. */
    static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) b[k] = (byte) (i * 31 + k);
        return b;
    }

    abstract static class Base implements GateRun.Load {
        final List<String> errors = new ArrayList<>();

        void error(String what) {
            if (errors.size() < 1000) errors.add(what);
        }

        @Override
        public List<String> errors() {
            return errors;
        }
    }

    /** A load whose cycles each wait {@code gap} before they start, and at most {@code inFlight} under way: a soak's pace. */
    static GateRun.Load paced(GateRun.Load load, Duration gap, int inFlight) {
        return new GateRun.Load() {
            @Override public String name() { return load.name(); }
            @Override public void open(EventLoop loop) { load.open(loop); }
            @Override public void start(EventLoop loop, int i, Runnable done) {
                loop.delay(gap, () -> load.start(loop, i, done));
            }
            @Override public boolean settled() { return load.settled(); }
            @Override public int maxInFlight() { return Math.min(inFlight, load.maxInFlight()); }
            @Override public void close() { load.close(); }
            @Override public List<String> errors() { return load.errors(); }
        };
    }

    // ------------------------------------------------------------------ streams

    /**
     * connect, write a payload, read it back from an echoing server, close; the server's side
     * closes on the client's end. A cycle is done at the client's onClose.
     */
    abstract static class Echo extends Base {
        final int size;
        StreamServer server;
        long serverClosed;

        Echo(int size) {
            this.size = size;
        }

        final StreamHandler<Stream> serverHandler = new StreamHandler<>() {
            @Override public void onData(Stream s, ByteBuffer data) { s.write(Loops.bytes(data)); }
            @Override public void onError(Stream s, UvException e) { error("server side: " + e); }
            @Override public void onClose(Stream s) { serverClosed++; }
        };

        abstract StreamServer listen(EventLoop loop, StreamHandler<Stream> handler);

        abstract CompletableFuture<? extends Stream> connect(EventLoop loop, StreamHandler<Stream> handler);

        @Override
        public void open(EventLoop loop) {
            server = listen(loop, serverHandler);
        }

        @Override
        public void start(EventLoop loop, int i, Runnable done) {
            byte[] payload = payload(i, size);
            boolean[] finished = {false};
            Runnable finish = () -> {
                if (!finished[0]) {
                    finished[0] = true;
                    done.run();
                }
            };
            connect(loop, new StreamHandler<>() {
                int got;
                @Override public void onConnect(Stream s) { s.write(payload); }
                @Override public void onData(Stream s, ByteBuffer data) {
                    while (data.hasRemaining()) {
                        if (got >= size || data.get() != payload[got]) {
                            error(name() + " cycle " + i + ": byte " + got + " is not what was sent");
                            s.closeNow();
                            return;
                        }
                        got++;
                    }
                    if (got == size) s.close();
                }
                @Override public void onError(Stream s, UvException e) { error(name() + " cycle " + i + ": " + e); }
                @Override public void onClose(Stream s) {
                    if (got != size) error(name() + " cycle " + i + ": closed after " + got + " of " + size + " bytes");
                    finish.run();
                }
            }).whenComplete((s, e) -> {
                if (e != null) {
                    error(name() + " cycle " + i + " did not connect: " + e);
                    finish.run();
                }
            });
        }

        @Override
        public boolean settled() {
            return server.acceptedCount() == serverClosed;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static final class Tcp extends Echo {
        Tcp(int size) { super(size); }
        @Override public String name() { return "tcp"; }
        @Override StreamServer listen(EventLoop loop, StreamHandler<Stream> h) { return loop.listen("127.0.0.1", 0, h); }
        @Override CompletableFuture<? extends Stream> connect(EventLoop loop, StreamHandler<Stream> h) {
            return loop.connect("127.0.0.1", ((TcpServer) server).port(), h);
        }
    }

    static final class Pipes extends Echo {
        private final String path;
        Pipes(Path dir, int size) {
            super(size);
            path = dir.resolve("gate-" + System.nanoTime() + ".sock").toString();
        }
        @Override public String name() { return "pipe"; }
        @Override StreamServer listen(EventLoop loop, StreamHandler<Stream> h) { return loop.listenPipe(path, h); }
        @Override CompletableFuture<? extends Stream> connect(EventLoop loop, StreamHandler<Stream> h) {
            return loop.connectPipe(path, h);
        }
    }

    /**
     * TLS over TCP. One options object per side for every cycle: one SSLContext each, built once,
     * and one client session cache, which the JDK may resume sessions from.
     */
    static final class Tls extends Echo {
        private static final TlsCerts CERTS = TlsCerts.get();
        private final TlsOptions serverOptions = CERTS.serverOptions();
        private final TlsOptions clientOptions = CERTS.clientOptions();
        Tls(int size) { super(size); }
        @Override public String name() { return "tls"; }
        @Override StreamServer listen(EventLoop loop, StreamHandler<Stream> h) {
            return loop.listenTls("127.0.0.1", 0, serverOptions, h);
        }
        @Override CompletableFuture<? extends Stream> connect(EventLoop loop, StreamHandler<Stream> h) {
            return loop.connectTls("127.0.0.1", ((TcpServer) server).port(), clientOptions, h);
        }
    }

    // ------------------------------------------------------------------ UDP

    /**
     * A socket of its own per cycle sends a datagram to an echoing socket, checks the echo and
     * closes. Loopback does not drop at this rate; an echo missing after 5 s is an error.
     */
    static final class Datagrams extends Base {
        private final int size;
        private Udp server;

        Datagrams(int size) {
            this.size = size;
        }

        @Override public String name() { return "udp"; }

        @Override
        public void open(EventLoop loop) {
            server = loop.udp("127.0.0.1", 0, (u, data, sender) -> u.send(Loops.bytes(data), sender));
        }

        @Override
        public void start(EventLoop loop, int i, Runnable done) {
            byte[] payload = payload(i, size);
            Timer[] lost = new Timer[1];
            Udp client = loop.udp("127.0.0.1", 0, new UdpHandler() {
                @Override public void onDatagram(Udp u, ByteBuffer data, InetSocketAddress sender) {
                    if (!Arrays.equals(Loops.bytes(data), payload)) error("udp cycle " + i + ": the echo is not what was sent");
                    lost[0].cancel();
                    u.close();
                }
                @Override public void onError(Udp u, UvException e) { error("udp cycle " + i + ": " + e); }
                @Override public void onClose(Udp u) { done.run(); }
            });
            lost[0] = loop.delay(Duration.ofSeconds(5), () -> {
                error("udp cycle " + i + ": no echo in 5 s");
                client.close();
            });
            client.send(payload, server.localAddress());
        }

        @Override
        public void close() {
            server.close();
        }
    }

    // ------------------------------------------------------------------ timers

    /**
     * A timer of 0 or 1 ms that ends the cycle; every fourth cycle also arms a one-hour timer and
     * cancels it, every tenth runs an interval for three ticks.
     */
    static final class Timers extends Base {
        @Override public String name() { return "timers"; }

        @Override
        public void start(EventLoop loop, int i, Runnable done) {
            if (i % 4 == 0) loop.delay(Duration.ofHours(1), () -> error("a cancelled timer fired")).cancel();
            if (i % 10 == 0) {
                int[] ticks = {0};
                loop.interval(Duration.ofMillis(1), t -> {
                    if (++ticks[0] == 3) {
                        t.cancel();
                        done.run();
                    }
                });
            } else {
                loop.delay(Duration.ofMillis(i % 3 == 0 ? 1 : 0), done);
            }
        }
    }

    // ------------------------------------------------------------------ processes

    /** Spawns {@code true}, or (every other cycle) {@code echo} with its stdout piped here and checked. */
    static final class Processes extends Base {
        @Override public String name() { return "processes"; }

        @Override
        public int maxInFlight() {
            return 8;
        }

        @Override
        public void start(EventLoop loop, int i, Runnable done) {
            if (i % 2 == 0) {
                loop.spawn(ProcessOptions.of("true")).finished().whenComplete((exit, e) -> {
                    if (e != null || !exit.isSuccess()) error("true, cycle " + i + ": " + (e != null ? e : exit));
                    done.run();
                });
            } else {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                String word = "w" + i;
                loop.spawn(ProcessOptions.builder("echo", word)
                        .stdout(Stdio.pipe((p, data) -> out.writeBytes(Loops.bytes(data)))).build())
                        .finished().whenComplete((exit, e) -> {
                            String got = out.toString(StandardCharsets.UTF_8);
                            if (e != null || !exit.isSuccess() || !got.equals(word + "\n"))
                                error("echo, cycle " + i + ": " + (e != null ? e : exit) + ", wrote '" + got + "'");
                            done.run();
                        });
            }
        }
    }

    // ------------------------------------------------------------------ files

    /** open (create), write, read back, stat, close, unlink: six operations a cycle. */
    static final class Files extends Base {
        static final int OPERATIONS_PER_CYCLE = 6;
        private final Path dir;
        private final int size;
        private Fs fs;

        Files(Path dir, int size) {
            this.dir = dir;
            this.size = size;
        }

        @Override public String name() { return "fs"; }

        @Override
        public void open(EventLoop loop) {
            fs = loop.fs();
        }

        @Override
        public void start(EventLoop loop, int i, Runnable done) {
            Path p = dir.resolve("f" + i);
            byte[] data = payload(i, size);
            Runnable unlink = () -> fs.unlink(p, (v, e) -> {
                if (e != null) error("unlink " + p + ": " + e);
                done.run();
            });
            fs.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE), 0600, (f, e0) -> {
                if (e0 != null) {
                    error("open " + p + ": " + e0);
                    done.run();
                    return;
                }
                Runnable closeThenUnlink = () -> f.close((v, e) -> {
                    if (e != null) error("close " + p + ": " + e);
                    unlink.run();
                });
                f.write(ByteBuffer.wrap(data), 0, (n, e1) -> {
                    if (e1 != null || n != size) {
                        error("write " + p + ": " + (e1 != null ? e1 : n + " bytes"));
                        closeThenUnlink.run();
                        return;
                    }
                    ByteBuffer back = ByteBuffer.allocate(size);
                    f.read(back, 0, (m, e2) -> {
                        if (e2 != null || m != size || !Arrays.equals(back.array(), data))
                            error("read " + p + ": " + (e2 != null ? e2 : m + " bytes, or not those written"));
                        f.stat((st, e3) -> {
                            if (e3 != null || st.size() != size) error("stat " + p + ": " + (e3 != null ? e3 : st));
                            closeThenUnlink.run();
                        });
                    });
                });
            });
        }
    }
}
