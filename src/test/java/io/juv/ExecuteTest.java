package io.juv;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Other threads: execute(), and the fail-fast check on every other call. */
@Timeout(30)
class ExecuteTest {

    @Test
    void eightThreadsTimesTenThousandTasksAllRunOnTheLoopInOrderPerThread() {
        int threads = 8, perThread = 10_000, total = threads * perThread;
        int[] lastSeen = new int[threads];
        java.util.Arrays.fill(lastSeen, -1);
        int[] ran = {0};
        int[] offThread = {0};
        int[] outOfOrder = {0};
        List<Thread> submitters = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(20));
            loop.interval(Duration.ofMillis(5), t -> {
                if (ran[0] == total) {
                    t.cancel();
                    wd[0].cancel();
                }
            });
            for (int th = 0; th < threads; th++) {
                int id = th;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int seq = i;
                        loop.execute(() -> {
                            if (!loop.inLoopThread()) offThread[0]++;
                            if (lastSeen[id] != seq - 1) outOfOrder[0]++;
                            lastSeen[id] = seq;
                            ran[0]++;
                        });
                    }
                }, "submitter-" + th);
                submitters.add(t);
                t.start();
            }
        });
        for (Thread t : submitters) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        wd[0].assertNotFired();
        assertEquals(total, ran[0]);
        assertEquals(0, offThread[0], "tasks that ran off the loop thread");
        assertEquals(0, outOfOrder[0], "tasks that ran out of their thread's order");
        for (int th = 0; th < threads; th++) assertEquals(perThread - 1, lastSeen[th]);
    }

    @Test
    void executeWakesASleepingLoop() {
        long[] elapsed = {-1};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            long t0 = System.nanoTime();
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                loop.execute(() -> {
                    elapsed[0] = System.nanoTime() - t0;
                    wd[0].cancel();
                });
            });
            t.setDaemon(true);
            t.start();
        });
        wd[0].assertNotFired();
        assertTrue(elapsed[0] > 0 && elapsed[0] < Duration.ofSeconds(2).toNanos(),
                "the task ran after " + elapsed[0] / 1_000_000 + " ms");
    }

    @Test
    void executeOnTheLoopThreadRunsLaterNotInline() {
        List<String> events = new ArrayList<>();
        Loops.run(loop -> {
            loop.execute(() -> events.add("task"));
            events.add("returned");
        });
        assertEquals(List.of("returned", "task"), events);
    }

    @Test
    void tasksArrivingAfterRunReturnedRunAtTheNextRun() {
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> { });
            boolean[] ran = {false};
            assertNull(Loops.onOtherThread(() -> loop.execute(() -> ran[0] = true)));
            assertFalse(ran[0]);
            loop.run();
            assertTrue(ran[0]);
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void tasksArrivingAfterRunReturnedRunAtClose() {
        EventLoop loop = EventLoop.create();
        boolean[] ran = {false};
        boolean[] onLoopThread = {false};
        try {
            loop.run(l -> { });
            assertNull(Loops.onOtherThread(() -> loop.execute(() -> {
                ran[0] = true;
                onLoopThread[0] = loop.inLoopThread();
            })));
        } finally {
            Loops.closeClean(loop);
        }
        assertTrue(ran[0]);
        assertTrue(onLoopThread[0]);
    }

    /** close() runs waiting tasks; one that throws must not keep close from finishing its job. */
    @Test
    void closeRunsAThrowingTaskAndStillClosesCleanly() {
        EventLoop loop = EventLoop.create();
        RuntimeException boom = new RuntimeException("task run by close()");
        loop.run(l -> { });
        loop.execute(() -> {
            throw boom;
        });
        RuntimeException thrown = assertThrows(RuntimeException.class, loop::close);
        assertSame(boom, thrown, () -> "close() threw " + thrown + " instead of the task's error");
        assertTrue(loop.isClosed());
        assertEquals(0, loop.stats().nativeBytes(), "native memory left allocated");
    }

    @Test
    void executeAfterCloseIsRejected() {
        EventLoop loop = EventLoop.create();
        Loops.closeClean(loop);
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        Throwable t = Loops.onOtherThread(() -> loop.execute(() -> { }));
        assertInstanceOf(RejectedExecutionException.class, t);
    }

    @Test
    void executeRefusesNull() {
        Loops.run(loop -> assertThrows(NullPointerException.class, () -> loop.execute(null)));
    }

    // ------------------------------------------------------------------ the wrong thread

    static Stream<Arguments> loopCalls() {
        return Stream.of(
                call("delay", loop -> loop.delay(Duration.ofMillis(1), () -> { })),
                call("interval", loop -> loop.interval(Duration.ofMillis(1), t -> { })),
                call("listen", loop -> loop.listen("127.0.0.1", 0, (s, d) -> { })),
                call("connect", loop -> loop.connect("127.0.0.1", 1, (s, d) -> { })),
                call("onSignal", loop -> loop.onSignal(Signal.USR1, s -> { })),
                call("exit", EventLoop::exit),
                call("now", EventLoop::now),
                call("stats", EventLoop::stats),
                call("catchErrors", loop -> loop.catchErrors(true)),
                call("onExit", loop -> loop.onExit(() -> { })),
                call("run", EventLoop::run),
                call("close", EventLoop::close),
                call("clearSignals", EventLoop::clearSignals)
        );
    }

    private static Arguments call(String name, Consumer<EventLoop> c) {
        return Arguments.of(Named.of(name, c));
    }

    @ParameterizedTest(name = "{0} from another thread")
    @MethodSource("loopCalls")
    void aLoopCallFromAnotherThreadFailsFast(Consumer<EventLoop> call) {
        EventLoop loop = EventLoop.create();
        try {
            assertFalse(Loops.onOtherThread(() -> assertFalse(loop.inLoopThread())) != null);
            assertTrue(loop.inLoopThread());
            Throwable t = Loops.onOtherThread(() -> call.accept(loop));
            assertInstanceOf(WrongThreadException.class, t);
            assertFalse(loop.isClosed());
            Loops.assertClean(loop);
        } finally {
            Loops.closeClean(loop);
        }
    }

    @Test
    void handleCallsFromAnotherThreadFailFast() {
        List<Throwable> thrown = new ArrayList<>();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            Timer timer = loop.delay(Duration.ofSeconds(1), () -> { });
            thrown.add(Loops.onOtherThread(timer::cancel));
            TcpServer server = Loops.echoServer(loop);
            thrown.add(Loops.onOtherThread(server::close));
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    thrown.add(Loops.onOtherThread(() -> s.write("from elsewhere")));
                    thrown.add(Loops.onOtherThread(() -> s.write(new byte[100_000])));
                    thrown.add(Loops.onOtherThread(s::pause));
                    thrown.add(Loops.onOtherThread(s::remoteAddress));
                    thrown.add(Loops.onOtherThread(s::close));
                    s.write("x");
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) {
                    assertTrue(s.isConnected(), "a refused call from another thread changed the socket");
                    assertFalse(s.isPaused());
                    s.close();
                    server.close();
                    timer.cancel();
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals(7, thrown.size());
        for (Throwable t : thrown) assertInstanceOf(WrongThreadException.class, t);
    }
}
