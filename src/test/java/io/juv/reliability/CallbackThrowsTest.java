package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.LoopHook;
import io.juv.Loops;
import io.juv.Notifier;
import io.juv.PollEvent;
import io.juv.Poller;
import io.juv.Signal;
import io.juv.StreamHandler;
import io.juv.SystemInfo;
import io.juv.Timer;
import io.juv.UvException;
import io.juv.bindings.uv_h;
import io.juv.fs.FileWatcher;
import io.juv.fs.StatPoller;
import io.juv.net.Pipe;
import io.juv.net.PipeHandler;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.net.TlsCerts;
import io.juv.net.TlsStream;
import io.juv.net.Udp;
import io.juv.net.UdpOptions;
import io.juv.process.Process;
import io.juv.process.ProcessOptions;
import io.juv.process.Stdio;
import io.juv.tty.Pty;
import io.juv.tty.Tty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, item 2: every kind of callback juv has, with the user's code throwing a
 * RuntimeException, an AssertionError, a StackOverflowError from real recursion until the stack
 * runs out, and one thrown with {@code new}. Each must reach the loop's error policy exactly
 * once, the loop must still run 1,000 timers started after the throw in the order started, and
 * the loop must end clean ({@link Loops#run}: no handle, request or native byte left,
 * uv_loop_close == 0).
 *
 * <p>How each libuv callback kind reaches user code, and so how its case covers it:
 * <ul>
 * <li><b>alloc</b> runs no user code: it hands libuv the loop's read buffer (or, for a UDP
 *     socket receiving in batches, the socket's own memory). The user code it leads to is the
 *     read or receive callback that follows it, in the same libuv pass: the onData and
 *     onDatagram cases (plain and batched) cover it.</li>
 * <li><b>read</b>: onData (TCP, pipe, TTY, TLS), onEnd (end of stream), onError (a read
 *     timeout, which fails the stream from a timer).</li>
 * <li><b>write</b>: the write callback, onDrain, and a writeAsync future's stage.</li>
 * <li><b>connect</b>: a client's onConnect, a refused connect's onError, the connect future's
 *     stage; a pipe client's onConnect.</li>
 * <li><b>connection</b>: the accepted stream's onConnect, run inside the connection callback.</li>
 * <li><b>shutdown</b> runs no user code of its own: a graceful close's shutdown completion closes
 *     the stream, whose onClose follows (case "shutdown, then onClose"); on the other end it is
 *     the end of stream (onEnd case).</li>
 * <li><b>close</b>: onClose of a stream and of a UDP socket with memory of its own.</li>
 * <li><b>timer</b>: a delay and an interval (juv's timer queue runs them from its one libuv
 *     timer's callback).</li>
 * <li><b>async</b>: a Notifier (repeating and single-shot) and a task handed over with execute.</li>
 * <li><b>signal</b>, <b>poll</b>, <b>exit</b>, <b>fs_event</b>, <b>fs_poll</b>, <b>idle</b>,
 *     <b>prepare</b>, <b>check</b>: their handlers.</li>
 * <li><b>getaddrinfo</b>, <b>getnameinfo</b>, <b>random</b> complete only futures; the
 *     connect-by-name case has getaddrinfo lead to a connect and onConnect.</li>
 * <li><b>fs</b>: an FsCallback and a future's stage.</li>
 * <li><b>work</b> runs the job on a Java worker thread: what it throws is its result, handed
 *     to the done callback (here rethrown, so it reaches the policy: the case checks it arrives
 *     whole and once) and the future. <b>after-work</b>: the done callback itself throws.</li>
 * <li><b>TLS handshake</b>: onConnect of a TLS client and of a TLS server session, run when
 *     the handshake completes inside the transport's read callback; and a TLS stream's onData.</li>
 * </ul>
 *
 * <p><b>Futures.</b> A throwing stage of a {@link io.juv.LoopFuture} (connect, writeAsync, lookups,
 * fs, random, exited, Work) follows CompletableFuture's contract: what the stage throws completes
 * the stage's own future exceptionally and is not handed to the error policy (that would report
 * it twice to a program that handles the stage's future). Those cases assert that: the policy
 * sees nothing, the derived future holds the throwable once, and the loop runs on.
 */
// A separate thread: a loop stuck in uv_run does not see the same-thread timeout's interrupt.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallbackThrowsTest {

    private static final int TIMERS = 1_000;

    enum Thrown { RUNTIME_EXCEPTION, ASSERTION_ERROR, DEEP_STACK_OVERFLOW, NEW_STACK_OVERFLOW }

    /** What one case throws, once; and whether a throwable seen later is that one. */
    static final class Boom {
        final Thrown thrown;
        final Throwable prepared;
        boolean fired;

        Boom(Thrown thrown) {
            this.thrown = thrown;
            this.prepared = switch (thrown) {
                case RUNTIME_EXCEPTION -> new IllegalStateException("boom");
                case ASSERTION_ERROR -> new AssertionError("boom");
                case NEW_STACK_OVERFLOW -> new StackOverflowError("boom");
                case DEEP_STACK_OVERFLOW -> null;
            };
        }

        /** Throws the first time only: callbacks that fire again (intervals, hooks, watchers) then do nothing. */
        void fire() {
            if (fired) return;
            fired = true;
            if (thrown == Thrown.DEEP_STACK_OVERFLOW) {
                int depth = recurse(0);
                throw new AssertionError("the stack never ran out (" + depth + ")");
            }
            throw sneaky(prepared);
        }

        boolean is(Throwable t) {
            if (thrown != Thrown.DEEP_STACK_OVERFLOW) return t == prepared;
            return t instanceof StackOverflowError
                    && Arrays.stream(t.getStackTrace()).anyMatch(e -> e.getMethodName().equals("recurse"));
        }
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    /** Rethrows an unchecked throwable as it is. */
    static RuntimeException sneaky(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new AssertionError("checked: " + t, t);
    }

    /** One case's state: what the policy got, the timers' order, what to close at the end. */
    static final class Case {
        final Boom boom;
        EventLoop loop;
        Loops.Watchdog watchdog;
        final List<Throwable> caught = new ArrayList<>();
        final List<Integer> order = new ArrayList<>();
        final List<Runnable> cleanup = new ArrayList<>();
        /** Run after the loop is closed: raw descriptors, files. */
        final List<Runnable> after = new ArrayList<>();
        /** Broken state that the cleanup found (a future never completed, a stream left unwritable). */
        final List<String> problems = new ArrayList<>();
        CompletableFuture<?> stage;
        private boolean timersStarted;

        Case(Boom boom) {
            this.boom = boom;
        }

        /** The throw happened: 1,000 timers now, each recording its index; the last one ends the case. */
        void afterThrow() {
            if (timersStarted) return;
            timersStarted = true;
            for (int i = 0; i < TIMERS; i++) {
                int index = i;
                loop.delay(Duration.ofMillis(1), () -> {
                    order.add(index);
                    if (index == TIMERS - 1) finish();
                });
            }
        }

        private void finish() {
            for (Runnable r : cleanup) {
                try {
                    r.run();
                } catch (RuntimeException | AssertionError e) {
                    problems.add("cleanup: " + e);
                }
            }
            watchdog.cancel();
        }

        /** A case whose throwing code is a future's stage: the stage's future, not the policy, gets it. */
        void stage(CompletableFuture<?> derived) {
            stage = derived;
            derived.whenComplete((v, e) -> afterThrow());
        }

        void check(boolean ok, String problem) {
            if (!ok) problems.add(problem);
        }
    }

    @FunctionalInterface
    interface Arrangement {
        void arrange(EventLoop loop, Boom boom, Case c) throws Exception;
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private static SocketHandler quiet() {
        return (s, d) -> { };
    }

    @TempDir
    static Path dir;

    /** Made once, outside the cases' time limit: a dozen keytool runs take a while on a loaded machine. */
    @org.junit.jupiter.api.BeforeAll
    static void certificates() {
        TlsCerts.get();
    }

    private static int files;

    private static Path newFile() {
        try {
            return Files.writeString(dir.resolve("f" + files++), "x");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Named<Arrangement>> kinds() {
        List<Named<Arrangement>> k = new ArrayList<>();
        k.add(Named.of("start callback", (loop, boom, c) -> boom.fire()));

        // ---------------------------------------------------------------- timers
        k.add(Named.of("timer", (loop, boom, c) -> loop.delay(ms(1), boom::fire)));
        k.add(Named.of("interval", (loop, boom, c) -> {
            Timer t = loop.interval(ms(1), x -> boom.fire());
            c.cleanup.add(t::cancel);
        }));

        // ---------------------------------------------------------------- TCP: connection, connect, read, write, shutdown, close
        k.add(Named.of("connection: accepted onConnect", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { boom.fire(); }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            CompletableFuture<TcpSocket> f = loop.connect("127.0.0.1", server.port(), quiet());
            c.cleanup.add(() -> f.thenAccept(TcpSocket::close));
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("connect: client onConnect", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            CompletableFuture<TcpSocket> f = loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    c.cleanup.add(s::close);
                    boom.fire();
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            c.cleanup.add(() -> c.check(f.isDone() && !f.isCompletedExceptionally(), "the connect future: " + f));
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("connect: onError of a refused connect", (loop, boom, c) -> {
            CompletableFuture<TcpSocket> f = loop.connect("127.0.0.1", Loops.closedPort(), new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onError(TcpSocket s, UvException e) { boom.fire(); }
            });
            c.cleanup.add(() -> c.check(f.isCompletedExceptionally(), "the connect future: " + f));
        }));
        k.add(Named.of("getaddrinfo, then connect by name: onConnect", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            CompletableFuture<TcpSocket> f = loop.connect("localhost", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    c.cleanup.add(s::close);
                    boom.fire();
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            c.cleanup.add(() -> c.check(f.isDone() && !f.isCompletedExceptionally(), "the connect future: " + f));
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("read: onData", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> boom.fire());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    s.write("x");
                    c.cleanup.add(s::close);
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("read: onEnd", (loop, boom, c) -> {
            // The accepted socket must still close by itself after a throwing onEnd (half-open not allowed).
            TcpServer server = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onEnd(TcpSocket s) { boom.fire(); }
            });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.close(); }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("read: onError of a read timeout", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.readTimeout(ms(10)); }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onError(TcpSocket s, UvException e) { boom.fire(); }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("write callback", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    // More than juv's try-write takes: queued, so its callback runs from the loop.
                    s.write(new byte[200_000], (x, e) -> boom.fire());
                    c.cleanup.add(() -> c.check(s.writable(), "the stream stayed unwritable after its queue emptied"));
                    c.cleanup.add(s::close);
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("write: onDrain", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    c.cleanup.add(s::close);
                    s.waterMarks(0, 1000);
                    s.write(new byte[200_000]);
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onDrain(TcpSocket s) { boom.fire(); }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("shutdown, then onClose", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    s.write(new byte[200_000]);
                    s.close(); // graceful: the shutdown waits for the write, then closes
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onClose(TcpSocket s) { boom.fire(); }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("close: onClose", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.closeNow(); }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
                @Override public void onClose(TcpSocket s) { boom.fire(); }
            });
            c.cleanup.add(server::close);
        }));

        // ---------------------------------------------------------------- pipes and TTYs (the same stream, other handles)
        k.add(Named.of("read: pipe onData", (loop, boom, c) -> {
            int[] fds = Pipe.socketPair();
            Pipe reader = Pipe.open(loop, fds[0], false, (PipeHandler) (p, d) -> boom.fire());
            Pipe writer = Pipe.open(loop, fds[1], false, (PipeHandler) (p, d) -> { });
            writer.write("x");
            c.cleanup.add(reader::close);
            c.cleanup.add(writer::close);
        }));
        k.add(Named.of("read: tty onData", (loop, boom, c) -> {
            Assumptions.assumeTrue(Pty.available(), "no pseudo-terminal here");
            Pty pty = Pty.open();
            c.after.add(pty::close);
            Tty tty = Tty.open(loop, pty.slave(), true, new StreamHandler<Tty>() {
                @Override public void onData(Tty t, ByteBuffer d) { boom.fire(); }
            });
            pty.type("x\n".getBytes(StandardCharsets.US_ASCII));
            c.cleanup.add(tty::closeNow);
        }));

        // ---------------------------------------------------------------- UDP
        k.add(Named.of("udp receive: onDatagram", (loop, boom, c) -> udpReceive(loop, boom, c, UdpOptions.DEFAULT)));
        k.add(Named.of("udp receive in batches (own alloc): onDatagram", (loop, boom, c) ->
                udpReceive(loop, boom, c, UdpOptions.DEFAULT.receiveBatch(8))));
        k.add(Named.of("udp send callback", (loop, boom, c) -> {
            Udp to = loop.udp("127.0.0.1", 0, (u, d, from) -> { });
            Udp from = loop.udp("127.0.0.1", 0, (u, d, s) -> { });
            c.cleanup.add(to::close);
            c.cleanup.add(from::close);
            // The kernel takes it at once: the callback runs inside send, which throws to its caller (here, the start callback).
            from.send("x", to.localAddress(), (u, e) -> boom.fire());
        }));
        k.add(Named.of("udp close (own memory): onClose", (loop, boom, c) -> {
            Udp u = Udp.bind(loop, "127.0.0.1", 0, UdpOptions.DEFAULT.receiveBatch(8), new io.juv.net.UdpHandler() {
                @Override public void onDatagram(Udp udp, ByteBuffer data, java.net.InetSocketAddress sender) { }
                @Override public void onClose(Udp udp) { boom.fire(); }
            });
            u.close();
        }));

        // ---------------------------------------------------------------- TLS
        k.add(Named.of("TLS handshake: client onConnect", (loop, boom, c) -> {
            TcpServer server = loop.listenTls("127.0.0.1", 0, TlsCerts.get().serverOptions(), new StreamHandler<TlsStream>() {
                @Override public void onData(TlsStream s, ByteBuffer d) { }
            });
            CompletableFuture<TlsStream> f = loop.connectTls("localhost", server.port(), TlsCerts.get().clientOptions(),
                    new StreamHandler<TlsStream>() {
                        @Override public void onConnect(TlsStream s) {
                            c.cleanup.add(s::close);
                            boom.fire();
                        }
                        @Override public void onData(TlsStream s, ByteBuffer d) { }
                    });
            c.cleanup.add(() -> c.check(f.isDone() && !f.isCompletedExceptionally(), "the TLS connect future: " + f));
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("TLS handshake: server onConnect", (loop, boom, c) -> {
            TcpServer server = loop.listenTls("127.0.0.1", 0, TlsCerts.get().serverOptions(), new StreamHandler<TlsStream>() {
                @Override public void onConnect(TlsStream s) { boom.fire(); }
                @Override public void onData(TlsStream s, ByteBuffer d) { }
            });
            CompletableFuture<TlsStream> f = loop.connectTls("localhost", server.port(), TlsCerts.get().clientOptions(),
                    new StreamHandler<TlsStream>() {
                        @Override public void onConnect(TlsStream s) { c.cleanup.add(s::close); }
                        @Override public void onData(TlsStream s, ByteBuffer d) { }
                    });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("TLS read: onData", (loop, boom, c) -> {
            TcpServer server = loop.listenTls("127.0.0.1", 0, TlsCerts.get().serverOptions(), new StreamHandler<TlsStream>() {
                @Override public void onData(TlsStream s, ByteBuffer d) { boom.fire(); }
            });
            loop.connectTls("localhost", server.port(), TlsCerts.get().clientOptions(), new StreamHandler<TlsStream>() {
                @Override public void onConnect(TlsStream s) {
                    c.cleanup.add(s::close);
                    s.write("x");
                }
                @Override public void onData(TlsStream s, ByteBuffer d) { }
            });
            c.cleanup.add(server::close);
        }));

        // ---------------------------------------------------------------- signals, async, hooks, poll
        k.add(Named.of("signal", (loop, boom, c) -> {
            loop.onSignal(Signal.USR1, sig -> boom.fire());
            c.cleanup.add(loop::clearSignals);
            assertEquals(0, uv_h.uv_kill(uv_h.uv_os_getpid(), Signal.USR1.number()));
        }));
        k.add(Named.of("async: notifier", (loop, boom, c) -> {
            Notifier n = loop.notifier(boom::fire);
            c.cleanup.add(n::close);
            assertEquals(null, Loops.onOtherThread(n::trigger));
        }));
        k.add(Named.of("async: single-shot notifier", (loop, boom, c) -> {
            Notifier n = loop.notifierOnce(boom::fire);
            c.cleanup.add(n::close);
            assertEquals(null, Loops.onOtherThread(n::trigger));
        }));
        k.add(Named.of("async: execute task", (loop, boom, c) -> {
            Timer keepAlive = loop.delay(Duration.ofSeconds(10), () -> { });
            c.cleanup.add(keepAlive::cancel);
            assertEquals(null, Loops.onOtherThread(() -> loop.execute(boom::fire)));
        }));
        k.add(Named.of("idle hook", (loop, boom, c) -> {
            LoopHook h = loop.onIdle(boom::fire);
            c.cleanup.add(h::close);
        }));
        k.add(Named.of("prepare hook", (loop, boom, c) -> {
            LoopHook h = loop.onPrepare(boom::fire);
            c.cleanup.add(h::close);
        }));
        k.add(Named.of("check hook", (loop, boom, c) -> {
            // Check runs after the poll phase: an idle hook keeps the poll from blocking until it has run.
            LoopHook idle = loop.onIdle(() -> { });
            LoopHook h = loop.onCheck(() -> {
                idle.close();
                boom.fire();
            });
            c.cleanup.add(h::close);
        }));
        k.add(Named.of("poll: onReady", (loop, boom, c) -> {
            int[] fds = Pipe.socketPair();
            c.after.add(() -> closeFds(fds));
            Poller p = loop.poll(fds[0], EnumSet.of(PollEvent.WRITABLE), (x, ready) -> boom.fire());
            c.cleanup.add(p::close);
        }));

        // ---------------------------------------------------------------- processes
        k.add(Named.of("exit: onExit", (loop, boom, c) -> loop.spawn(ProcessOptions.of("true"), (p, x) -> boom.fire())));
        k.add(Named.of("read: child's stdout onData", (loop, boom, c) ->
                loop.spawn(ProcessOptions.builder("echo", "x").stdout(Stdio.pipe((PipeHandler) (p, d) -> boom.fire())).build())));

        // ---------------------------------------------------------------- files
        k.add(Named.of("fs: callback", (loop, boom, c) -> loop.fs().stat(newFile(), (st, e) -> boom.fire())));
        k.add(Named.of("fs_event: onEvent", (loop, boom, c) -> {
            Path watched = Files.createDirectories(dir.resolve("w" + files++));
            FileWatcher w = loop.watch(watched, (x, name, events) -> boom.fire());
            c.cleanup.add(w::close);
            loop.delay(ms(20), () -> {
                try {
                    Files.writeString(watched.resolve("new"), "x");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }));
        k.add(Named.of("fs_poll: onChange", (loop, boom, c) -> {
            Path f = newFile();
            StatPoller p = loop.pollStat(f, ms(10), (x, before, now) -> boom.fire());
            c.cleanup.add(p::close);
            loop.delay(ms(40), () -> {
                try {
                    Files.writeString(f, "longer");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }));

        // ---------------------------------------------------------------- thread-pool work
        k.add(Named.of("work: the job throws, done rethrows what it got", (loop, boom, c) ->
                loop.work(() -> {
                    boom.fire();
                    return null;
                }, (r, e) -> {
                    throw sneaky(e);
                })));
        k.add(Named.of("after-work: done callback", (loop, boom, c) -> loop.work(() -> 1, (r, e) -> boom.fire())));
        return k;
    }

    /** Kinds whose throwing code is a future's stage: CompletableFuture's contract, not the policy. */
    static List<Named<Arrangement>> stages() {
        List<Named<Arrangement>> k = new ArrayList<>();
        k.add(Named.of("connect future stage", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            c.stage(loop.connect("127.0.0.1", server.port(), quiet()).thenAccept(s -> {
                c.cleanup.add(s::close);
                boom.fire();
            }));
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("writeAsync future stage", (loop, boom, c) -> {
            TcpServer server = loop.listen("127.0.0.1", 0, quiet());
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    c.cleanup.add(s::close);
                    c.stage(s.writeAsync(new byte[200_000]).thenRun(boom::fire));
                }
                @Override public void onData(TcpSocket s, ByteBuffer d) { }
            });
            c.cleanup.add(server::close);
        }));
        k.add(Named.of("getaddrinfo: lookup future stage", (loop, boom, c) ->
                c.stage(loop.lookup("localhost").thenAccept(a -> boom.fire()))));
        k.add(Named.of("getnameinfo: reverse lookup future stage", (loop, boom, c) ->
                c.stage(loop.reverseLookup(InetAddress.getLoopbackAddress()).thenAccept(a -> boom.fire()))));
        k.add(Named.of("random: future stage", (loop, boom, c) ->
                c.stage(SystemInfo.randomBytes(loop, 16).thenAccept(b -> boom.fire()))));
        k.add(Named.of("fs: future stage", (loop, boom, c) ->
                c.stage(loop.fs().stat(newFile()).thenAccept(st -> boom.fire()))));
        k.add(Named.of("exit: exited future stage", (loop, boom, c) ->
                c.stage(loop.spawn(ProcessOptions.of("true")).exited().thenAccept(x -> boom.fire()))));
        k.add(Named.of("work: future of a throwing job", (loop, boom, c) ->
                c.stage(loop.work(() -> {
                    boom.fire();
                    return null;
                }).future())));
        return k;
    }

    private static void udpReceive(EventLoop loop, Boom boom, Case c, UdpOptions options) {
        Udp to = Udp.bind(loop, "127.0.0.1", 0, options, (u, d, from) -> boom.fire());
        Udp from = loop.udp("127.0.0.1", 0, (u, d, s) -> { });
        from.send("x", to.localAddress());
        c.cleanup.add(to::close);
        c.cleanup.add(from::close);
    }

    private static final java.lang.invoke.MethodHandle CLOSE = java.lang.foreign.Linker.nativeLinker().downcallHandle(
            java.lang.foreign.Linker.nativeLinker().defaultLookup().findOrThrow("close"),
            java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT));

    private static void closeFds(int[] fds) {
        try {
            for (int fd : fds) {
                int rc = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code -Djuv.test.callbackKinds=REGEX} runs only the kinds whose name it finds (to chase one). */
    private static final java.util.regex.Pattern ONLY = java.util.regex.Pattern.compile(System.getProperty("juv.test.callbackKinds", ""));

    static Stream<Arguments> policyCases() {
        return kinds().stream().filter(k -> ONLY.matcher(k.getName()).find()).flatMap(k -> Arrays.stream(Thrown.values()).map(t -> Arguments.of(k, t)));
    }

    static Stream<Arguments> stageCases() {
        return stages().stream().filter(k -> ONLY.matcher(k.getName()).find()).flatMap(k -> Arrays.stream(Thrown.values()).map(t -> Arguments.of(k, t)));
    }

    private static Case run(Arrangement arrangement, Thrown thrown) {
        Case c = new Case(new Boom(thrown));
        try {
            Loops.run(loop -> {
                c.loop = loop;
                c.watchdog = Loops.watchdog(loop, Duration.ofSeconds(15));
                loop.catchErrors(t -> {
                    c.caught.add(t);
                    c.afterThrow();
                });
                try {
                    arrangement.arrange(loop, c.boom, c);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            c.after.forEach(Runnable::run);
        }
        c.watchdog.assertNotFired();
        assertTrue(c.boom.fired, "the callback never ran");
        assertEquals(List.of(), c.problems);
        assertEquals(IntStream.range(0, TIMERS).boxed().toList(), c.order, "the timers after the throw");
        return c;
    }

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("policyCases")
    void theErrorPolicyGetsItOnceAndTheLoopRunsOn(Arrangement arrangement, Thrown thrown) {
        Case c = run(arrangement, thrown);
        assertEquals(1, c.caught.size(), () -> "the policy got: " + c.caught);
        assertTrue(c.boom.is(c.caught.get(0)), () -> "the policy got another throwable: " + c.caught.get(0));
    }

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("stageCases")
    void theStagesFutureGetsItOnceAndTheLoopRunsOn(Arrangement arrangement, Thrown thrown) {
        Case c = run(arrangement, thrown);
        assertEquals(List.of(), c.caught, "a stage's throwable went to the policy too");
        Throwable got = c.stage.handle((v, e) -> e).getNow(null);
        if (got instanceof CompletionException ce && ce.getCause() != null) got = ce.getCause();
        Throwable seen = got;
        assertTrue(c.boom.is(seen), () -> "the stage's future holds another throwable: " + seen);
    }

    /**
     * An OutOfMemoryError or InternalError (VirtualMachineErrors other than StackOverflowError) is
     * not given to the handler: it stops the loop, every handle is closed, and run rethrows it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fatalErrors")
    void aVirtualMachineErrorStopsTheLoopEvenWithAHandler(VirtualMachineError fatal) {
        List<Throwable> caught = new ArrayList<>();
        int[] interval = {0};
        EventLoop loop = EventLoop.create();
        try {
            Throwable thrown = org.junit.jupiter.api.Assertions.assertThrows(VirtualMachineError.class, () -> loop.run(l -> {
                l.catchErrors(caught::add);
                l.interval(ms(1), t -> interval[0]++); // would run forever, if the loop did not stop
                l.delay(ms(5), () -> {
                    throw fatal;
                });
            }));
            org.junit.jupiter.api.Assertions.assertSame(fatal, thrown);
            assertEquals(List.of(), caught, "the handler got it");
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    static Stream<Arguments> fatalErrors() {
        return Stream.of(Arguments.of(new OutOfMemoryError("boom")), Arguments.of(new InternalError("boom")));
    }
}
