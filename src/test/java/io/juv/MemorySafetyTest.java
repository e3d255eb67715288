package io.juv;

import io.juv.net.ConnectOptions;
import io.juv.net.IpFamily;
import io.juv.net.ListenOptions;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md's rule, tried the way a careless user would: no public method may read a closed
 * object's native memory, and no view handed out may outlive its memory. Every public method
 * of the loop and of each handle type is called after close, by reflection, so a method added
 * later is covered without anyone remembering to: it must either throw a typed error or be one
 * that answers from Java state (listed here, each a decision someone made).
 */
@Timeout(30)
class MemorySafetyTest {

    // ------------------------------------------------------------------ kept views

    /** The read view: read-only while valid, and dead (not freed memory) once the loop is closed. */
    @Test
    void aReadViewKeptPastCloseThrowsInsteadOfReadingFreedMemory() {
        ByteBuffer[] kept = new ByteBuffer[1];
        EventLoop loop = EventLoop.create();
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        try {
            loop.run(l -> {
                wd[0] = Loops.watchdog(l);
                TcpServer[] server = new TcpServer[1];
                server[0] = l.listen("127.0.0.1", 0, (s, data) -> {
                    kept[0] = data;
                    assertTrue(data.isReadOnly());
                    assertThrows(ReadOnlyBufferException.class, () -> data.put(0, (byte) 1));
                    s.close();
                    server[0].close();
                    wd[0].cancel();
                });
                l.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                    public void onConnect(TcpSocket s) { s.write("hello"); }
                    public void onData(TcpSocket s, ByteBuffer data) { }
                });
            });
            wd[0].assertNotFired();
            // Still alive between runs: the loop's buffer exists, so reading it is no use-after-free.
            assertEquals('h', (char) kept[0].get(0));
        } finally {
            Loops.closeClean(loop);
        }
        ByteBuffer view = kept[0];
        assertNotNull(view);
        // What the issue found: a widened limit read 64 KiB of freed memory, a write crashed the JVM.
        view.limit(view.capacity());
        assertThrows(IllegalStateException.class, () -> view.get(0));
        assertThrows(IllegalStateException.class, () -> view.get(view.capacity() - 1));
        assertThrows(IllegalStateException.class, () -> view.get(new byte[view.capacity()]));
        assertThrows(IllegalStateException.class, () -> ByteBuffer.allocate(view.capacity()).put(view.duplicate().rewind()));
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
    }

    // ------------------------------------------------------------------ the closed loop

    /** Methods of a closed loop that answer from Java state; every other one must throw. */
    private static final Set<String> LOOP_JAVA_STATE = Set.of(
            "close", "isClosed", "stats", "inLoopThread", "catchErrors", "onExit", "exit", "freeSignal", "clearSignals");

    @Test
    void everyMethodOfAClosedLoopThrowsOrAnswersFromJavaState() {
        EventLoop loop = EventLoop.create();
        loop.close();
        List<String> answered = callEveryMethod(loop, EventLoop.class, LOOP_JAVA_STATE);
        answered.remove("toString");
        assertEquals(new TreeSet<>(LOOP_JAVA_STATE), new TreeSet<>(answered), "methods that returned normally");
        assertThrows(IllegalStateException.class, loop::now);
        assertEquals(0, loop.stats().nativeBytes());
    }

    // ------------------------------------------------------------------ closed handles

    /** Stream and handle methods that answer from Java state once closed (writes refuse: they return false). */
    private static final Set<String> STREAM_JAVA_STATE = Set.of(
            "close", "closeNow", "reset", "shutdown", "isClosed", "isConnected", "isIncoming", "isPaused",
            "pause", "resume", "isReadEnded", "isWriteEnded", "allowHalfOpen", "writable", "write", "writeAsync",
            "queuedWrites", "queuedBytes", "writeQueueSize", "waterMarks", "highWaterMark", "lowWaterMark",
            "attachment", "attach", "hasRef", "ref", "unref", "kind", "inputStream", "outputStream");
    private static final Set<String> SERVER_JAVA_STATE = Set.of(
            "close", "isClosed", "port", "address", "acceptedCount", "acceptErrorCount", "hasRef", "ref", "unref",
            "kind");
    private static final Set<String> TIMER_JAVA_STATE = Set.of(
            "cancel", "isActive", "isClosed", "interval", "hasRef", "ref", "unref", "kind");
    private static final Set<String> SIGNAL_JAVA_STATE = Set.of(
            "close", "isClosed", "signal", "hasRef", "ref", "unref", "kind");

    @Test
    void everyMethodOfClosedHandlesThrowsOrAnswersFromJavaState() {
        Object[] handles = new Object[5];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                Loops.Watchdog wd = Loops.watchdog(l);
                TcpServer server = Loops.echoServer(l);
                handles[0] = server;
                handles[1] = l.delay(Duration.ofHours(1), () -> { });
                handles[2] = l.onSignal(Signal.USR1, s -> { });
                l.connect("127.0.0.1", server.port(), new SocketHandler() {
                    public void onConnect(TcpSocket s) {
                        handles[3] = s;
                        s.readTimeout(Duration.ofHours(1)); // its internal timer must go with it
                        s.closeNow();
                        ((Timer) handles[1]).cancel();
                        ((SignalHandler) handles[2]).close();
                        server.close();
                        wd.cancel();
                    }
                    public void onData(TcpSocket s, ByteBuffer data) { }
                });
            });
            // Closed, the loop still open: the handles' memory is freed, the loop's is not.
            checkClosedHandles(handles);
        } finally {
            Loops.closeClean(loop);
        }
        // And once the loop is gone as well.
        checkClosedHandles(handles);
    }

    /** A closed UDP socket: sends refuse (false, or a failed future), queue sizes are 0, the rest throws. */
    private static final Set<String> UDP_JAVA_STATE = Set.of(
            "close", "isClosed", "isConnected", "send", "sendAsync", "sendQueueSize", "sendQueueCount",
            "hasRef", "ref", "unref", "kind", "batchesReceives");

    @Test
    void everyMethodOfAClosedUdpSocketThrowsOrAnswersFromJavaState() {
        io.juv.net.Udp[] udp = new io.juv.net.Udp[1];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                udp[0] = l.udp("127.0.0.1", 0, (u, data, from) -> { });
                udp[0].close();
            });
            callEveryMethod(udp[0], io.juv.net.Udp.class, UDP_JAVA_STATE);
        } finally {
            Loops.closeClean(loop);
        }
        callEveryMethod(udp[0], io.juv.net.Udp.class, UDP_JAVA_STATE);
    }

    /** A closed child process: what it was (pid, command, its pipes, its futures) is Java state; kill refuses. */
    private static final Set<String> PROCESS_JAVA_STATE = Set.of(
            "close", "isClosed", "isRunning", "pid", "command", "stdio", "stdin", "stdout", "stderr",
            "exitStatus", "exited", "finished", "hasRef", "ref", "unref", "kind");

    @Test
    void everyMethodOfAClosedProcessAndItsPipeThrowsOrAnswersFromJavaState() {
        io.juv.process.Process[] process = new io.juv.process.Process[1];
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                process[0] = l.spawn(io.juv.process.ProcessOptions.builder("sleep", "10")
                        .stdin(io.juv.process.Stdio.pipe((p, d) -> { })).build());
                // Killed, then closed before its exit is seen: its futures fail, its handle and pipe are freed.
                process[0].kill(Signal.KILL);
                process[0].close();
            });
            checkClosedProcess(process[0]);
        } finally {
            Loops.closeClean(loop);
        }
        checkClosedProcess(process[0]);
    }

    private static void checkClosedProcess(io.juv.process.Process p) {
        callEveryMethod(p, io.juv.process.Process.class, PROCESS_JAVA_STATE);
        assertTrue(p.pid() > 0);
        UvException e = assertThrows(UvException.class, () -> p.kill(Signal.TERM));
        assertEquals(ErrorKind.SOCKET_CLOSED, e.kind());
        // Its pipe, through the stream API (a pipe's own methods need a TcpSocket to send, which the IPC tests cover).
        callEveryMethod(p.stdin(), Stream.class, STREAM_JAVA_STATE);
        assertFalse(p.stdin().write("x"));
        assertThrows(UvException.class, p.stdin()::localName);
        assertThrows(UvException.class, p.stdin()::peerName);
    }

    /** A closed Tty: a stream's Java-state answers, and its own (fd, readable, the mode it had). */
    private static final Set<String> TTY_JAVA_STATE;
    static {
        Set<String> tty = new java.util.HashSet<>(STREAM_JAVA_STATE);
        tty.addAll(Set.of("fd", "isReadable", "mode"));
        TTY_JAVA_STATE = Set.copyOf(tty);
    }

    @Test
    void everyMethodOfAClosedTtyThrowsOrAnswersFromJavaState() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.juv.tty.Pty.available(), "no /dev/ptmx for a pseudo-terminal");
        try (io.juv.tty.Pty pty = io.juv.tty.Pty.open()) {
            io.juv.tty.Tty[] tty = new io.juv.tty.Tty[1];
            EventLoop loop = EventLoop.create();
            try {
                loop.run(l -> {
                    tty[0] = io.juv.tty.Tty.open(l, pty.slave(), true, (t, d) -> { });
                    tty[0].mode(io.juv.tty.TtyMode.RAW);
                    tty[0].close();
                });
                callEveryMethod(tty[0], io.juv.tty.Tty.class, TTY_JAVA_STATE);
                assertThrows(UvException.class, tty[0]::windowSize);
                assertThrows(UvException.class, () -> tty[0].mode(io.juv.tty.TtyMode.NORMAL));
                assertEquals(io.juv.tty.TtyMode.RAW, tty[0].mode());
            } finally {
                Loops.closeClean(loop);
            }
            callEveryMethod(tty[0], io.juv.tty.Tty.class, TTY_JAVA_STATE);
        }
    }

    /** Loop hooks, notifiers, pollers, file watchers, stat pollers and work: none hands out a native view (names and stats are copied). */
    private static final Set<String> HOOK_JAVA_STATE = Set.of(
            "close", "isClosed", "isActive", "stop", "phase", "hasRef", "ref", "unref", "kind");
    private static final Set<String> NOTIFIER_JAVA_STATE = Set.of(
            "close", "isClosed", "trigger", "isSingleShot", "hasRef", "ref", "unref", "kind");
    private static final Set<String> POLLER_JAVA_STATE = Set.of(
            "close", "isClosed", "isActive", "stop", "fd", "interest", "hasRef", "ref", "unref", "kind");
    private static final Set<String> WATCHER_JAVA_STATE = Set.of(
            "close", "isClosed", "isActive", "stop", "path", "isRecursive", "hasRef", "ref", "unref", "kind");
    private static final Set<String> STAT_POLLER_JAVA_STATE = Set.of(
            "close", "isClosed", "isActive", "stop", "path", "interval", "hasRef", "ref", "unref", "kind");
    private static final Set<String> WORK_JAVA_STATE = Set.of(
            "cancel", "future", "isDone", "isCancelled", "isRunning");

    @Test
    void everyMethodOfClosedHooksNotifiersPollersWatchersAndWorkThrowsOrAnswersFromJavaState(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Object[] h = new Object[9];
        int[] fds = io.juv.net.Pipe.socketPair();
        EventLoop loop = EventLoop.create();
        try {
            loop.run(l -> {
                h[0] = l.onIdle(() -> { });
                h[1] = l.onPrepare(() -> { });
                h[2] = l.onCheck(() -> { });
                h[3] = l.notifier(() -> { });
                h[4] = l.notifierOnce(() -> { });
                h[5] = l.poll(fds[0], java.util.EnumSet.of(PollEvent.READABLE), (p, r) -> { });
                h[6] = l.watch(dir, (w, n, e) -> { });
                h[7] = l.pollStat(dir, Duration.ofSeconds(1), (p, a, b) -> { });
                h[8] = l.work(() -> 1);
                for (int i = 0; i < 8; i++) {
                    try {
                        h[i].getClass().getMethod("close").invoke(h[i]);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            checkClosedServices(h, dir);
        } finally {
            Loops.closeClean(loop);
        }
        checkClosedServices(h, dir);
        io.juv.internal.Platform.closeDuplicate(fds[0]);
        io.juv.internal.Platform.closeDuplicate(fds[1]);
    }

    private static void checkClosedServices(Object[] h, java.nio.file.Path dir) {
        for (int i = 0; i < 3; i++) callEveryMethod(h[i], LoopHook.class, HOOK_JAVA_STATE);
        callEveryMethod(h[3], Notifier.class, NOTIFIER_JAVA_STATE);
        callEveryMethod(h[4], Notifier.class, NOTIFIER_JAVA_STATE);
        callEveryMethod(h[5], Poller.class, POLLER_JAVA_STATE);
        callEveryMethod(h[6], io.juv.fs.FileWatcher.class, WATCHER_JAVA_STATE);
        callEveryMethod(h[7], io.juv.fs.StatPoller.class, STAT_POLLER_JAVA_STATE);
        // Work is no handle: every method answers from Java state (its future completed with the result).
        Work<?> w = (Work<?>) h[8];
        assertEquals(WORK_JAVA_STATE, Arrays.stream(Work.class.getMethods()).filter(m -> m.getDeclaringClass() == Work.class)
                .map(Method::getName).filter(n -> !n.equals("toString")).collect(java.util.stream.Collectors.toSet()));
        assertFalse(w.cancel());
        assertTrue(w.isDone());
        assertFalse(w.isCancelled());
        assertFalse(w.isRunning());
        assertFalse(((Notifier) h[3]).trigger());
        assertThrows(IllegalStateException.class, ((LoopHook) h[0])::start);
        assertThrows(IllegalStateException.class, () -> ((Poller) h[5]).interest(Set.of(PollEvent.WRITABLE)));
        assertEquals(dir, ((io.juv.fs.FileWatcher) h[6]).path());
        assertEquals(1, ((Work<?>) h[8]).future().join());
    }

    private static void checkClosedHandles(Object[] h) {
        callEveryMethod(h[0], TcpServer.class, SERVER_JAVA_STATE);
        callEveryMethod(h[1], Timer.class, TIMER_JAVA_STATE);
        callEveryMethod(h[2], SignalHandler.class, SIGNAL_JAVA_STATE);
        callEveryMethod(h[3], TcpSocket.class, STREAM_JAVA_STATE);
        TcpSocket s = (TcpSocket) h[3];
        assertFalse(s.write("x"));
        assertFalse(s.writable());
        assertEquals(0, s.writeQueueSize());
        assertFalse(s.hasRef());
        assertThrows(UvException.class, s::remoteAddress);
    }

    /**
     * Calls every public instance method of type on target with sample arguments. Each must
     * return normally only if its name is in javaState, else throw a typed error. Returns the
     * names that returned normally.
     */
    private static List<String> callEveryMethod(Object target, Class<?> type, Set<String> javaState) {
        List<String> answered = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class && !m.getName().equals("toString")) continue;
            if (Modifier.isStatic(m.getModifiers())) continue;
            Object[] args = Arrays.stream(m.getParameterTypes()).map(MemorySafetyTest::sample).toArray();
            try {
                Object result = m.invoke(target, args);
                if (result instanceof CompletableFuture<?> f) {
                    // A refused asynchronous call fails its future rather than throwing.
                    assertTrue(f.isCompletedExceptionally(), m + " returned a live future on a closed object");
                }
                if (!answered.contains(m.getName())) answered.add(m.getName());
                if (!javaState.contains(m.getName()) && !m.getName().equals("toString")) wrong.add(m + " returned normally");
            } catch (InvocationTargetException e) {
                Throwable t = e.getCause();
                boolean typed = t instanceof IllegalStateException || t instanceof UvException
                        || t instanceof RejectedExecutionException || t instanceof IllegalArgumentException;
                if (!typed) wrong.add(m + " threw " + t);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(List.of(), wrong, type.getSimpleName() + ": methods on a closed object must throw a typed error");
        return answered;
    }

    /** A harmless argument of each parameter type the public API takes. */
    private static Object sample(Class<?> t) {
        if (t == int.class) return 1;
        if (t == long.class) return 1L;
        if (t == boolean.class) return false;
        if (t == String.class) return "127.0.0.1";
        if (t == Duration.class) return Duration.ofMillis(1);
        if (t == byte[].class) return new byte[1];
        if (t == ByteBuffer.class) return ByteBuffer.allocate(1);
        if (t == MemorySegment.class) return MemorySegment.ofArray(new byte[1]);
        if (t == Signal.class) return Signal.USR1;
        if (t == IpFamily.class) return IpFamily.ANY;
        if (t == ConnectOptions.class) return ConnectOptions.DEFAULT;
        if (t == ListenOptions.class) return ListenOptions.DEFAULT;
        if (t == io.juv.process.ProcessOptions.class) return io.juv.process.ProcessOptions.of("true");
        if (t == io.juv.net.UdpOptions.class) return io.juv.net.UdpOptions.DEFAULT;
        if (t == InetSocketAddress.class) return new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        if (t == io.juv.net.TlsOptions.class) return io.juv.net.TlsOptions.client();
        if (t == InetAddress.class) return InetAddress.getLoopbackAddress();
        if (t == List.class) return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        if (t == Map.class) return Map.of();
        if (t == io.juv.tty.TtyMode.class) return io.juv.tty.TtyMode.RAW;
        if (t == Set.class) return Set.of(PollEvent.READABLE);
        if (t == java.nio.file.Path.class) return java.nio.file.Path.of(".");
        if (t == Object.class) return "attachment";
        if (t.isInterface()) {
            // Any callback: a do-nothing implementation (functional interfaces and handlers alike).
            return Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, (p, m, a) -> {
                if (m.isDefault()) return java.lang.reflect.InvocationHandler.invokeDefault(p, m, a);
                Class<?> r = m.getReturnType();
                if (r == boolean.class) return Boolean.FALSE;
                if (r == int.class) return 0;
                if (r == long.class) return 0L;
                return null;
            });
        }
        throw new AssertionError("no sample for a parameter of type " + t + ": add one");
    }
}
