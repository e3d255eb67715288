package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.UvException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class TcpServerGroupTest {

    private static List<Thread> groupThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("juv-group-") && t.isAlive()).toList();
    }

    @AfterEach
    void noLoopThreadOutlivesItsTest() {
        assertEquals(List.of(), groupThreads(), "group threads still running");
    }

    /** Each loop's handler answers one request with the name of the thread it runs on, then closes. */
    private static SocketHandler namesItsThread() {
        return (s, data) -> {
            s.write(Thread.currentThread().getName());
            s.close();
        };
    }

    /**
     * Connects one client at a time (each sends a request and reads the whole answer) until the
     * answers name {@code loops} different threads, or {@code limit} connections were made.
     * Returns how many answers each thread gave.
     */
    private static Map<String, Integer> connectUntilEveryLoopAnswered(int port, int loops, int limit) {
        Map<String, Integer> answers = new HashMap<>();
        int[] made = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(15));
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                if (answers.size() == loops || made[0] == limit) {
                    wd[0].cancel();
                    return;
                }
                made[0]++;
                StringBuilder answer = new StringBuilder();
                loop.connect("127.0.0.1", port, new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) { s.write("who?"); }
                    @Override public void onData(TcpSocket s, ByteBuffer data) {
                        answer.append(StandardCharsets.UTF_8.decode(data));
                    }
                    @Override public void onClose(TcpSocket s) {
                        answers.merge(answer.toString(), 1, Integer::sum);
                        next[0].run();
                    }
                });
            };
            next[0].run();
        });
        wd[0].assertNotFired();
        assertEquals(made[0], answers.values().stream().mapToInt(Integer::intValue).sum());
        return answers;
    }

    @Test
    void twoLoopsServeOnePortAndBothAccept() throws Exception {
        Set<String> factoryThreads = ConcurrentHashMap.newKeySet();
        TcpServerGroup group = TcpServerGroup.start(2, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> {
            factoryThreads.add(Thread.currentThread().getName());
            assertTrue(loop.inLoopThread(), "the factory runs on its loop's thread");
            return namesItsThread();
        });
        Map<String, Integer> answers;
        long[] counted;
        try {
            assertNotEquals(0, group.port());
            assertEquals(2, group.loops());
            answers = connectUntilEveryLoopAnswered(group.port(), 2, 1000);
            counted = group.acceptedCounts().get(5, TimeUnit.SECONDS);
        } finally {
            group.close();
        }
        assertEquals(2, factoryThreads.size(), () -> "factories ran on " + factoryThreads);
        assertEquals(factoryThreads, answers.keySet(), () -> "answers: " + answers);
        int made = answers.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(made, counted[0] + counted[1], () -> "accepted " + Arrays.toString(counted) + " of " + made);
        assertTrue(counted[0] > 0 && counted[1] > 0, () -> Arrays.toString(counted));
        // Closed clean: every loop closed (uv_loop_close returned 0) with no native byte left, threads ended.
        for (int i = 0; i < 2; i++) {
            EventLoop loop = group.loop(i);
            assertTrue(loop.isClosed(), "loop " + i + " closed");
            assertEquals(0, loop.stats().nativeBytes(), "loop " + i + " native bytes");
            assertEquals(0, loop.stats().openHandles(), "loop " + i + " handles");
        }
        assertDoesNotThrow(() -> group.terminated().get(5, TimeUnit.SECONDS));
        // After close the counts are the final ones, read from Java state.
        assertArrayEquals(counted, group.acceptedCounts().get(5, TimeUnit.SECONDS));
    }

    /**
     * Hand-off: loop 0 accepts and passes sockets round robin over IPC pipes; three loops, so
     * handles travel to two other threads. Nine connections: each loop serves exactly three, the
     * echoing of each request is done by the loop that was handed the socket, and the group closes
     * clean.
     */
    @Test
    void handOffSpreadsConnectionsRoundRobinOverIpcPipes() throws Exception {
        TcpServerGroup group = TcpServerGroup.start(TcpServerGroup.Sharing.HAND_OFF, 3, "127.0.0.1", 0,
                ListenOptions.DEFAULT, loop -> namesItsThread());
        Map<String, Integer> answers;
        long[] counted;
        try {
            answers = connectUntilEveryLoopAnswered(group.port(), 4, 9); // never 4 loops: it makes all 9
            counted = group.acceptedCounts().get(5, TimeUnit.SECONDS);
        } finally {
            group.close();
        }
        assertEquals(3, answers.size(), () -> "answers: " + answers);
        answers.values().forEach(n -> assertEquals(3, n, () -> "round robin: " + answers));
        assertArrayEquals(new long[] {3, 3, 3}, counted);
        for (int i = 0; i < 3; i++) {
            assertTrue(group.loop(i).isClosed());
            assertEquals(0, group.loop(i).stats().nativeBytes());
        }
    }

    @Test
    void handOffOfOneLoopServesItself() throws Exception {
        try (TcpServerGroup group = TcpServerGroup.start(TcpServerGroup.Sharing.HAND_OFF, 1, "127.0.0.1", 0,
                ListenOptions.DEFAULT, loop -> namesItsThread())) {
            Map<String, Integer> answers = connectUntilEveryLoopAnswered(group.port(), 1, 3);
            assertEquals(1, answers.size());
        }
    }

    @Test
    void oneLoopIsAGroupToo() throws Exception {
        try (TcpServerGroup group = TcpServerGroup.start(1, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> namesItsThread())) {
            Map<String, Integer> answers = connectUntilEveryLoopAnswered(group.port(), 1, 3);
            assertEquals(1, answers.size());
            assertEquals(1, group.acceptedCounts().get(5, TimeUnit.SECONDS)[0]);
        }
    }

    @Test
    void onEachLoopRunsOnEveryLoopsThreadInOrder() throws Exception {
        List<String> names;
        TcpServerGroup group = TcpServerGroup.start(3, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> namesItsThread());
        try {
            names = group.onEachLoop(loop -> {
                assertTrue(loop.inLoopThread());
                return Thread.currentThread().getName();
            }).get(5, TimeUnit.SECONDS);
            // A task that throws fails the answer, and the loop goes on.
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> group.onEachLoop(loop -> { throw new IllegalStateException("task failed"); }).get(5, TimeUnit.SECONDS));
            assertEquals("task failed", e.getCause().getMessage());
            assertEquals(3, group.onEachLoop(loop -> loop.stats().handles(io.juv.HandleKind.TCP))
                    .get(5, TimeUnit.SECONDS).stream().filter(n -> n == 1).count(), "every loop still has its server");
        } finally {
            group.close();
        }
        assertEquals(3, names.size());
        for (int i = 0; i < 3; i++) assertTrue(names.get(i).endsWith("-loop-" + i), names::toString);
        // After close: a typed refusal, and the plain answers still come from Java state.
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> group.onEachLoop(loop -> 1).get(5, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, refused.getCause());
        assertEquals(3, group.loops());
        assertNotEquals(0, group.port());
        assertThrows(IndexOutOfBoundsException.class, () -> group.loop(3));
        assertDoesNotThrow(group::close, "close is idempotent");
    }

    @Test
    void anotherServerMayJoinTheGroupsPortOnlyWithReusePort() {
        try (TcpServerGroup group = TcpServerGroup.start(2, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> namesItsThread())) {
            UvException[] refused = new UvException[1];
            Loops.run(loop -> {
                // What a second process does to share the port (the seed server's --reuse-port).
                loop.listen("127.0.0.1", group.port(), ListenOptions.DEFAULT.reusePort(true), (s, d) -> { }).close();
                refused[0] = assertThrows(UvException.class,
                        () -> loop.listen("127.0.0.1", group.port(), ListenOptions.DEFAULT, (s, d) -> { }));
            });
            assertEquals(ErrorKind.ADDRESS_IN_USE, refused[0].kind());
        }
    }

    // ------------------------------------------------------------------ failures

    @Test
    void aPortInUseFailsTheStartAndTheFactorysHandlesAreClosed() throws IOException {
        AtomicInteger factories = new AtomicInteger();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            UvException e = assertThrows(UvException.class, () -> TcpServerGroup.start(2, "127.0.0.1", taken.getLocalPort(),
                    ListenOptions.DEFAULT, loop -> {
                        factories.incrementAndGet();
                        // A handle of the factory's: the failed loop must close it, or its thread never ends.
                        loop.interval(Duration.ofSeconds(1), t -> { });
                        return namesItsThread();
                    }));
            assertEquals(ErrorKind.ADDRESS_IN_USE, e.kind());
        }
        assertEquals(1, factories.get(), "the second loop starts only once the first listens");
        // @AfterEach: no loop thread is left.
    }

    @Test
    void aFactoryThatThrowsFailsTheStartAndTheLoopsThatListenedAreEnded() {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException thrown = new IllegalStateException("no handler for you");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TcpServerGroup.start(3, "127.0.0.1", 0,
                ListenOptions.DEFAULT, loop -> {
                    if (calls.incrementAndGet() == 2) throw thrown;
                    return namesItsThread();
                }));
        assertSame(thrown, e);
        // Loop 0 first, then 1 and 2 at once: the third may have seen the group stopping before its factory ran.
        assertTrue(calls.get() == 2 || calls.get() == 3, () -> calls.get() + " factory calls");
        // @AfterEach: every loop that listened has ended, its server closed.
    }

    @Test
    void badArgumentsAreRefusedAndStartNoLoop() {
        Thread[] none = {};
        assertThrows(IllegalArgumentException.class,
                () -> TcpServerGroup.start(0, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> namesItsThread()));
        assertThrows(IllegalArgumentException.class,
                () -> TcpServerGroup.start(2, "127.0.0.1", 70_000, ListenOptions.DEFAULT, loop -> namesItsThread()));
        assertThrows(NullPointerException.class,
                () -> TcpServerGroup.start(2, null, 0, ListenOptions.DEFAULT, loop -> namesItsThread()));
        assertThrows(NullPointerException.class, () -> TcpServerGroup.start(2, "127.0.0.1", 0, null, loop -> namesItsThread()));
        assertThrows(NullPointerException.class, () -> TcpServerGroup.start(2, "127.0.0.1", 0, ListenOptions.DEFAULT, null));
        assertThrows(NullPointerException.class,
                () -> TcpServerGroup.start(null, 2, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> namesItsThread()));
        assertArrayEquals(none, groupThreads().toArray(Thread[]::new));
        // Refused on the first loop's thread, and thrown here; that loop ended.
        assertThrows(IllegalArgumentException.class,
                () -> TcpServerGroup.start(2, "not-an-ip", 0, ListenOptions.DEFAULT, loop -> namesItsThread()));
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> TcpServerGroup.start(2, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> null));
        assertTrue(npe.getMessage().contains("handlerPerLoop"), npe.getMessage());
    }

    @Test
    void aLoopThatFailsEndsTheGroupAndCloseRethrowsItOnce() throws Exception {
        RuntimeException boom = new RuntimeException("handler failed");
        TcpServerGroup group = TcpServerGroup.start(2, "127.0.0.1", 0, ListenOptions.DEFAULT,
                loop -> (s, data) -> { throw boom; });
        try {
            Loops.Watchdog[] wd = new Loops.Watchdog[1];
            Loops.run(loop -> {
                wd[0] = Loops.watchdog(loop);
                loop.connect("127.0.0.1", group.port(), new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) { s.write("fail, please"); }
                    @Override public void onData(TcpSocket s, ByteBuffer data) { }
                    @Override public void onClose(TcpSocket s) { wd[0].cancel(); } // the failed loop closed it
                });
            });
            wd[0].assertNotFired();
            ExecutionException ended = assertThrows(ExecutionException.class, () -> group.terminated().get(10, TimeUnit.SECONDS));
            assertSame(boom, ended.getCause(), "the whole group ended with the loop's failure");
        } finally {
            assertSame(boom, assertThrows(RuntimeException.class, group::close));
        }
        assertDoesNotThrow(group::close, "reported once");
        for (int i = 0; i < 2; i++) assertTrue(group.loop(i).isClosed());
    }

    @Test
    void closeFromOneOfTheGroupsOwnLoopsEndsItWithoutWaitingForItself() throws Exception {
        TcpServerGroup group = TcpServerGroup.start(2, "127.0.0.1", 0, ListenOptions.DEFAULT, loop -> namesItsThread());
        List<Throwable> thrown = new ArrayList<>();
        group.loop(1).execute(() -> {
            try {
                group.close();
            } catch (Throwable t) {
                thrown.add(t);
            }
        });
        group.terminated().get(10, TimeUnit.SECONDS);
        group.close(); // joins the (ended) threads
        assertEquals(List.of(), thrown);
        for (int i = 0; i < 2; i++) assertEquals(0, group.loop(i).stats().nativeBytes());
    }
}
