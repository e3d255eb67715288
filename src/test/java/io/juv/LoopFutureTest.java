package io.juv;

import io.juv.net.Pipe;
import io.juv.net.PipeServer;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.net.Udp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every one-shot operation's future runs its stages on the loop thread; cl-async/blackbird's combinators are the JDK's. */
@Timeout(30)
class LoopFutureTest {

    private static SocketHandler quiet() {
        return (s, d) -> { };
    }

    @Test
    void everyProducerHandsOutALoopFutureOfItsLoop(@TempDir Path dir) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            TcpServer server = Loops.echoServer(loop);
            PipeServer pipes = loop.listenPipe(dir.resolve("p.sock").toString(), (s, d) -> { });
            Udp udp = loop.udp("127.0.0.1", 0, (u, d, from) -> { });
            CompletableFuture<TcpSocket> connect = loop.connect("127.0.0.1", server.port(), quiet());
            futures.add(connect);
            futures.add(loop.lookup("localhost"));
            futures.add(loop.reverseLookup(InetAddress.getLoopbackAddress()));
            futures.add(loop.connectPipe(dir.resolve("p.sock").toString(), (s, d) -> { }).thenAccept(Pipe::close));
            futures.add(udp.sendAsync("x", udp.localAddress()));
            futures.add(connect.thenCompose(s -> {
                CompletableFuture<Void> w = s.writeAsync("hello");
                futures.add(w);
                return w.whenComplete((v, e) -> s.close());
            }));
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
                server.close();
                pipes.close();
                udp.close();
                wd.cancel();
            });
            wd.assertNotFired();
        });
        assertEquals(7, futures.size());
        for (CompletableFuture<?> f : futures) {
            LoopFuture<?> lf = assertInstanceOf(LoopFuture.class, f, f.toString());
            assertFalse(lf.isCompletedExceptionally(), f.toString());
        }
    }

    @Test
    void stagesRunOnTheLoopThreadAsyncOnesToo() {
        List<String> threads = new ArrayList<>();
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other-pool"));
        try {
            Loops.run(loop -> {
                Thread loopThread = Thread.currentThread();
                Function<String, String> where = label -> label + "=" + (Thread.currentThread() == loopThread ? "loop"
                        : Thread.currentThread().getName());
                TcpServer server = Loops.echoServer(loop);
                CompletableFuture<TcpSocket> f = loop.connect("127.0.0.1", server.port(), quiet());
                CompletableFuture<String> chain = f
                        .thenApply(s -> { threads.add(where.apply("thenApply")); return s; })
                        .thenApplyAsync(s -> { threads.add(where.apply("thenApplyAsync")); s.close(); return "x"; })
                        .thenApplyAsync(x -> { threads.add(where.apply("withExecutor")); return x; }, other)
                        .thenApplyAsync(x -> { threads.add(where.apply("backOnLoop")); return x; });
                assertInstanceOf(LoopFuture.class, chain);
                assertSame(loop, ((LoopFuture<String>) chain).loop());
                assertSame(loop, ((LoopFuture<?>) f).defaultExecutor());
                chain.whenComplete((x, e) -> server.close());
            });
        } finally {
            other.shutdownNow();
        }
        // The stage after the foreign executor completes on its thread; its Async successor returns to the loop.
        assertEquals(List.of("thenApply=loop", "thenApplyAsync=loop", "withExecutor=other-pool", "backOnLoop=loop"), threads);
    }

    @Test
    void completedFromAnotherThreadAsyncStagesStillRunOnTheLoop() {
        String[] where = new String[1];
        Loops.run(loop -> {
            Thread loopThread = Thread.currentThread();
            LoopFuture<Integer> f = new LoopFuture<>(loop);
            Timer keepAlive = loop.delay(Duration.ofSeconds(5), () -> { });
            f.thenApplyAsync(n -> n + 1).thenAccept(n -> {
                where[0] = n + (Thread.currentThread() == loopThread ? " on the loop" : " on " + Thread.currentThread().getName());
                keepAlive.cancel();
            });
            new Thread(() -> f.complete(41), "completer").start();
        });
        assertEquals("42 on the loop", where[0]);
    }

    @Test
    void joinOnTheLoopThreadIsRefusedUntilComplete() {
        Throwable[] refused = new Throwable[3];
        Object[] joined = new Object[1];
        Loops.run(loop -> {
            LoopFuture<String> f = new LoopFuture<>(loop);
            refused[0] = assertThrows(IllegalStateException.class, f::join);
            refused[1] = assertThrows(IllegalStateException.class, f::get);
            refused[2] = assertThrows(IllegalStateException.class, () -> f.get(1, TimeUnit.MILLISECONDS));
            f.complete("done");
            joined[0] = f.join();
        });
        assertTrue(refused[0].getMessage().contains("wait forever"), refused[0].getMessage());
        assertEquals("done", joined[0]);
    }

    @Test
    void orTimeoutTimesOutOnTheLoopAndItsTimerGoesWithTheFuture() {
        Object[] seen = new Object[2];
        long[] elapsed = new long[1];
        Loops.run(loop -> {
            Thread loopThread = Thread.currentThread();
            long start = System.nanoTime();
            new LoopFuture<String>(loop).orTimeout(30, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
                seen[0] = e;
                seen[1] = Thread.currentThread() == loopThread;
                elapsed[0] = System.nanoTime() - start;
            });
            // Completed first: its timeout timer is cancelled, so the loop ends without waiting 10 s.
            LoopFuture<String> early = new LoopFuture<>(loop);
            early.completeOnTimeout("late", 10, TimeUnit.SECONDS);
            loop.delay(Duration.ofMillis(5), () -> early.complete("early"));
        });
        assertInstanceOf(TimeoutException.class, seen[0]);
        assertEquals(true, seen[1], "the timeout completed the future on the loop thread");
        assertTrue(elapsed[0] >= TimeUnit.MILLISECONDS.toNanos(25), "timed out after " + elapsed[0] + " ns");
        assertTrue(elapsed[0] < TimeUnit.SECONDS.toNanos(5), "the early future's 10 s timer held the loop");
    }

    @Test
    void asyncStagesOfAClosedLoopAreRefused() {
        EventLoop loop = EventLoop.create();
        LoopFuture<Integer> f = new LoopFuture<>(loop);
        f.complete(1);
        Loops.closeClean(loop);
        CompletableFuture<Integer> async = f.thenApplyAsync(n -> n + 1);
        CompletionException e = assertThrows(CompletionException.class, async::join);
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        assertEquals(2, f.thenApply(n -> n + 1).join(), "a non-async stage of a complete future runs on the caller");
    }

    // ------------------------------------------------------------------ cl-async / blackbird's combinators

    /** blackbird's (all (list ...)): every value, in order, once all are in; the first failure otherwise. */
    static <T> CompletableFuture<List<T>> all(List<? extends CompletableFuture<? extends T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().<T>map(CompletableFuture::join).toList());
    }

    @Test
    void blackbirdsAllIsAllOf() {
        List<Object> result = new ArrayList<>();
        Loops.run(loop -> {
            TcpServer server = Loops.echoServer(loop);
            List<CompletableFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < 5; i++) replies.add(request(loop, server.port(), "ping " + i));
            all(replies).whenComplete((all, e) -> {
                result.add(all);
                server.close();
            });
            // One failure fails the whole: a refused connection among good ones.
            all(List.of(request(loop, server.port(), "ok"), request(loop, Loops.closedPort(), "refused")))
                    .whenComplete((all, e) -> result.add(e));
        });
        assertEquals(List.of("ping 0", "ping 1", "ping 2", "ping 3", "ping 4"), result.get(0));
        UvException refused = assertInstanceOf(UvException.class, ((CompletionException) result.get(1)).getCause());
        assertEquals(ErrorKind.CONNECTION_REFUSED, refused.kind());
    }

    @Test
    void blackbirdsChainIsThenCompose() {
        // README: the cl-async/blackbird chain (lookup, connect, write, read the reply) as thenCompose steps.
        String[] reply = new String[1];
        Loops.run(loop -> {
            TcpServer server = Loops.echoServer(loop);
            loop.lookup("localhost")
                    .thenCompose(addresses -> request(loop, server.port(), "hello from " + addresses.size() + " addresses"))
                    .thenApply(String::toUpperCase)
                    .whenComplete((text, error) -> {
                        reply[0] = error == null ? text : error.toString();
                        server.close();
                    });
        });
        assertTrue(reply[0].startsWith("HELLO FROM "), reply[0]);
    }

    /** Connects, writes text, completes with the echoed reply, closes. */
    private static CompletableFuture<String> request(EventLoop loop, int port, String text) {
        CompletableFuture<String> reply = new LoopFuture<>(loop);
        StringBuilder got = new StringBuilder();
        loop.connect("127.0.0.1", port, new SocketHandler() {
            @Override public void onData(TcpSocket s, ByteBuffer data) {
                got.append(StandardCharsets.UTF_8.decode(data));
                if (got.length() >= text.length()) {
                    reply.complete(got.toString());
                    s.close();
                }
            }
        }).thenCompose(s -> s.writeAsync(text)).exceptionally(e -> {
            reply.completeExceptionally(e instanceof CompletionException c ? c.getCause() : e);
            return null;
        });
        return reply;
    }

    @Test
    void aLoopFutureNeedsALoop() {
        assertThrows(NullPointerException.class, () -> new LoopFuture<>(null));
        EventLoop loop = EventLoop.create();
        try {
            LoopFuture<String> f = new LoopFuture<>(loop);
            assertNotSame(f, f.thenApply(x -> x));
            assertInstanceOf(LoopFuture.class, f.copy());
        } finally {
            Loops.closeClean(loop);
        }
    }
}
