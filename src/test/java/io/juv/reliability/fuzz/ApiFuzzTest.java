package io.juv.reliability.fuzz;

import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.PollEvent;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.net.ConnectOptions;
import io.juv.net.IpFamily;
import io.juv.net.ListenOptions;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.net.UdpOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Item 8's API fuzzer: every public method of juv's public types, called by reflection (as
 * {@code MemorySafetyTest} calls them after close) on objects in every state (open, closing,
 * closed, loop closed) with every bad argument its parameter types allow: null, negative, zero,
 * huge, empty, NUL characters in strings, out-of-range ports, durations that overflow,
 * {@code Long.MAX_VALUE} sizes, a segment whose arena is closed. Each call must return (a
 * documented no-op or answer) or throw a typed exception (NullPointerException for a null,
 * IllegalArgumentException, IllegalStateException, UvException, ...), never crash, never throw
 * from deep inside (an IndexOutOfBounds, an ArithmeticException, a null dereferenced, an
 * exception from java.lang.foreign), and leave the loop clean ({@link Loops#run}).
 */
@Timeout(120)
class ApiFuzzTest {

    // ------------------------------------------------------------------ the tests

    /** The public types, from the classes juv's jar is made of. */
    private static List<Class<?>> publicTypes() throws Exception {
        Path root = Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : List.of("io.juv", "io.juv.net", "io.juv.fs", "io.juv.process", "io.juv.tty")) {
            try (var files = java.nio.file.Files.list(root.resolve(pkg.replace('.', '/')))) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".class")) continue;
                    Class<?> c = Class.forName(pkg + "." + name.substring(0, name.length() - 6));
                    if (Modifier.isPublic(c.getModifiers()) && (c.getEnclosingClass() == null || Modifier.isStatic(c.getModifiers()))) types.add(c);
                }
            }
        }
        return types;
    }

    /**
     * Static methods that reach beyond the loop under test: signals to other processes (a pid of
     * -1 is every process), descriptors the test JVM lives on (0 and 1 are its pipes to Maven),
     * loops on threads of their own.
     */
    private static final Set<String> STATIC_SKIPPED = Set.of("Process.kill", "TcpSocket.open", "Pipe.open", "Poller.open",
            "Tty.open", "EventLoop.start", "TcpServerGroup.start");

    @Test
    void everyStaticMethodTakesBadArgumentsWithATypedError() throws Exception {
        List<String> wrong = new ArrayList<>();
        withLoop(() -> {
            for (Class<?> type : publicTypes()) {
                wrong.addAll(fuzz(null, type, true));
            }
        });
        assertEquals(List.of(), wrong, "static methods that failed untyped");
    }

    /** Options, builders and other values: their methods with bad arguments. */
    @Test
    void everyMethodOfTheValueTypesTakesBadArgumentsWithATypedError() throws Exception {
        List<String> wrong = new ArrayList<>();
        withLoop(() -> {
            wrong.addAll(fuzz(ListenOptions.DEFAULT, ListenOptions.class, false));
            wrong.addAll(fuzz(ConnectOptions.DEFAULT, ConnectOptions.class, false));
            wrong.addAll(fuzz(UdpOptions.DEFAULT, UdpOptions.class, false));
            wrong.addAll(fuzz(io.juv.LoopOptions.DEFAULT, io.juv.LoopOptions.class, false));
            wrong.addAll(fuzz(io.juv.net.TlsOptions.client(), io.juv.net.TlsOptions.class, false));
            wrong.addAll(fuzz(io.juv.process.ProcessOptions.of("true"), io.juv.process.ProcessOptions.class, false));
            wrong.addAll(fuzz(io.juv.process.ProcessOptions.builder("true"), io.juv.process.ProcessOptions.Builder.class, false));
        });
        assertEquals(List.of(), wrong, "methods of values that failed untyped");
    }

    /** The running loop's own methods, called from a callback on its thread. */
    @Test
    void everyMethodOfTheRunningLoopTakesBadArgumentsWithATypedError() throws Exception {
        List<String> wrong = new ArrayList<>();
        withLoop(() -> wrong.addAll(fuzz(loop, EventLoop.class, false)));
        assertEquals(List.of(), wrong, "loop methods that failed untyped");
    }

    /** The running loop's own methods, called from another thread while the loop runs: each refuses at once, execute excepted. */
    @Test
    void everyMethodOfTheRunningLoopCalledFromAnotherThreadFailsFast() throws Exception {
        List<String> wrong = new ArrayList<>();
        withLoop(() -> {
            Thread other = Thread.ofPlatform().name("api-fuzz-other").start(() -> {
                otherThread = true;
                try {
                    wrong.addAll(fuzz(loop, EventLoop.class, false));
                } finally {
                    otherThread = false;
                }
            });
            other.join(); // the loop waits meanwhile: what the other thread hands over runs once this callback returns
        });
        assertEquals(List.of(), wrong, "loop methods that failed untyped from another thread");
    }

    /** The closed loop. */
    @Test
    void everyMethodOfAClosedLoopTakesBadArgumentsWithATypedError() throws Exception {
        List<String> wrong = new ArrayList<>();
        EventLoop closed = EventLoop.create();
        closed.close();
        wrong.addAll(fuzz(closed, EventLoop.class, false));
        assertEquals(List.of(), wrong, "loop methods that failed untyped");
    }

    /** The handles, each open, closing (close asked, its callback not run yet), closed, and after its loop closed. */
    @Test
    void everyMethodOfEveryHandleInEveryStateTakesBadArgumentsWithATypedError() throws Exception {
        List<String> wrong = new ArrayList<>();
        List<Object[]> handles = new ArrayList<>(); // {object, type}
        EventLoop l = EventLoop.create();
        dir = java.nio.file.Files.createTempDirectory("juv-api-fuzz-");
        try (Arena arena = Arena.ofConfined()) {
            Arena deadArena = Arena.ofConfined();
            MemorySegment dead = deadArena.allocate(8); // a segment whose memory is gone
            deadArena.close();
            l.run(x -> {
                loop = x;
                Loops.Watchdog wd = Loops.watchdog(x, Duration.ofSeconds(60));
                TcpServer server = x.listen("127.0.0.1", 0, (SocketHandler) (s, d) -> { });
                x.connect("127.0.0.1", server.port(), new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) {
                        try {
                            int[] fds = io.juv.net.Pipe.socketPair();
                            Object[][] open = {
                                {server, TcpServer.class}, {s, TcpSocket.class},
                                {x.delay(Duration.ofHours(1), () -> { }), io.juv.Timer.class},
                                {x.onSignal(Signal.USR1, sig -> { }), io.juv.SignalHandler.class},
                                {x.udp("127.0.0.1", 0, (u, data, from) -> { }), io.juv.net.Udp.class},
                                {x.onIdle(() -> { }), io.juv.LoopHook.class},
                                {x.notifier(() -> { }), io.juv.Notifier.class},
                                {x.poll(fds[0], java.util.EnumSet.of(PollEvent.READABLE), (p, r) -> { }), io.juv.Poller.class},
                                {x.watch(dir, (w, n, e) -> { }), io.juv.fs.FileWatcher.class},
                                {x.pollStat(dir, Duration.ofSeconds(1), (p, a, b) -> { }), io.juv.fs.StatPoller.class},
                                {x.spawn(io.juv.process.ProcessOptions.of("sleep", "30")), io.juv.process.Process.class},
                                {x.fs(), io.juv.fs.Fs.class},
                            };
                            for (Object[] h : open) {
                                handles.add(h);
                                wrong.addAll(tag("open", fuzz(h[0], (Class<?>) h[1], false, arena, dead)));
                            }
                            for (Object[] h : open) {
                                // The open round's last calls (close, cancel, kill...) may have closed it already: a refusal is fine here.
                                try {
                                    if (h[0] instanceof io.juv.process.Process p) p.kill(Signal.KILL);
                                } catch (RuntimeException alreadyGone) {
                                    // exited or closed
                                }
                                if (h[0] instanceof AutoCloseable c && !(h[0] instanceof io.juv.fs.Fs)) closeQuietly(c);
                                else if (h[0] instanceof io.juv.Timer t) t.cancel();
                                wrong.addAll(tag("closing", fuzz(h[0], (Class<?>) h[1], false, arena, dead)));
                            }
                            x.delay(Duration.ofMillis(50), () -> {
                                io.juv.internal.Platform.closeDuplicate(fds[0]);
                                io.juv.internal.Platform.closeDuplicate(fds[1]);
                                x.exit();
                                wd.cancel();
                            });
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                    @Override public void onData(TcpSocket s, ByteBuffer d) { }
                });
            });
            for (Object[] h : handles) wrong.addAll(tag("closed", fuzz(h[0], (Class<?>) h[1], false, arena, dead)));
            Loops.closeClean(l);
            for (Object[] h : handles) wrong.addAll(tag("loop closed", fuzz(h[0], (Class<?>) h[1], false, arena, dead)));
        } finally {
            if (!l.isClosed()) l.close();
            deleteTree(dir);
        }
        assertEquals(List.of(), wrong, "handle methods that failed untyped");
    }

    private static List<String> tag(String state, List<String> wrong) {
        return wrong.stream().map(w -> state + ": " + w).toList();
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs body on a running loop (a fresh directory beside it), then asserts the loop ends clean: nothing a bad call made is left. */
    private static void withLoop(Body body) throws Exception {
        dir = java.nio.file.Files.createTempDirectory("juv-api-fuzz-");
        try {
            Loops.run(x -> {
                loop = x;
                Loops.Watchdog wd = Loops.watchdog(x, Duration.ofSeconds(60));
                try {
                    body.run();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                // What the calls started (servers, timers, processes...) ends with the loop; a moment for refusals to call back.
                x.delay(Duration.ofMillis(50), () -> {
                    x.exit();
                    wd.cancel();
                });
            });
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) return;
        try (var all = java.nio.file.Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) java.nio.file.Files.deleteIfExists(p);
        }
    }

    private static List<String> fuzz(Object target, Class<?> type, boolean statics) {
        try (Arena arena = Arena.ofConfined()) {
            Arena deadArena = Arena.ofConfined();
            MemorySegment dead = deadArena.allocate(8); // a segment whose memory is gone
            deadArena.close();
            return fuzz(target, type, statics, arena, dead);
        }
    }

    // ------------------------------------------------------------------ what is fine and what is not

    /** What a thread other than the loop's may call: everything else fails fast with WrongThreadException. */
    private static final Set<String> ANY_THREAD = Set.of("execute", "inLoopThread", "isClosed");

    /** Why a call's outcome is wrong, or null when it is fine. */
    private static String judge(Method m, Throwable t, Object[] args) {
        if (t == null) return otherThread && !ANY_THREAD.contains(m.getName()) ? "returned on a thread not the loop's" : null;
        if (t instanceof WrongThreadException && otherThread) return null; // fail fast (a bad argument may be refused first)
        if (t instanceof OutOfMemoryError) return null; // Long.MAX_VALUE bytes asked for (Fs.buffer): the JVM's answer
        StackTraceElement top = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
        if (top != null && (top.getClassName().startsWith("jdk.internal.foreign") || top.getClassName().startsWith("java.lang.foreign"))) {
            return "an exception from java.lang.foreign leaked: " + t;
        }
        if (t instanceof NullPointerException) {
            // A null is refused by name (Objects.requireNonNull(x, "x")), as the API does everywhere: the message
            // names the parameter given null (or an array holding one: "args[1]"), never the JDK's "Cannot invoke...".
            List<String> nulls = new ArrayList<>();
            java.lang.reflect.Parameter[] ps = m.getParameters();
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null || (args[i] instanceof Object[] arr && Arrays.asList(arr).contains(null))) nulls.add(ps[i].getName());
            }
            if (nulls.isEmpty()) return "a NullPointerException with no null argument: " + t;
            if (m.getDeclaringClass().isEnum() && m.getName().equals("valueOf")) return null; // the JDK's own: "Name is null"
            String msg = t.getMessage();
            boolean named = msg != null && nulls.stream().anyMatch(n -> msg.equals(n) || (msg.startsWith(n)
                    && !Character.isJavaIdentifierPart(msg.charAt(n.length()))));
            return named ? null : "a NullPointerException not naming the null parameter " + nulls + ": " + t;
        }
        if (t instanceof OutOfMemoryError) {
            return null; // asked for Long.MAX_VALUE bytes (Fs.buffer): the JVM's own answer to more memory than there is
        }
        if (t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException || t instanceof ClassCastException
                || t instanceof java.nio.BufferUnderflowException || t instanceof java.nio.BufferOverflowException
                || t instanceof WrongThreadException || t instanceof NegativeArraySizeException) {
            return "an untyped failure from inside: " + t;
        }
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException || t instanceof UvException
                || t instanceof RejectedExecutionException || t instanceof UnsupportedOperationException
                || t instanceof java.nio.ReadOnlyBufferException || t instanceof java.io.UncheckedIOException
                || t instanceof java.util.concurrent.CancellationException) {
            return null;
        }
        return "an unexpected exception type: " + t;
    }

    // ------------------------------------------------------------------ arguments

    /** The running loop under test, and a directory for what a file call may make. */
    private static EventLoop loop;
    /** While the calls come from a thread other than the loop's: WrongThreadException is then the typed answer. */
    private static volatile boolean otherThread;
    private static Path dir;

    /** A harmless argument of a parameter's generic type: collections hold what they are declared to hold. */
    private static Object sample(java.lang.reflect.Type g, Arena arena) {
        if (g instanceof java.lang.reflect.ParameterizedType p && (p.getRawType() == Set.class || p.getRawType() == List.class)) {
            java.lang.reflect.Type e = p.getActualTypeArguments()[0];
            if (e instanceof java.lang.reflect.WildcardType w) e = w.getUpperBounds()[0];
            Object element = e == java.nio.file.OpenOption.class ? java.nio.file.StandardOpenOption.READ
                    : e instanceof Class<?> c ? sample(c, arena) : null;
            if (element == null) return p.getRawType() == Set.class ? Set.of() : List.of();
            return p.getRawType() == Set.class ? Set.of(element) : List.of(element);
        }
        if (g instanceof Class<?> c && c.isArray() && !c.getComponentType().isPrimitive() && c != String[].class) {
            return java.lang.reflect.Array.newInstance(c.getComponentType(), 0);
        }
        return sample(g instanceof Class<?> c ? c : (Class<?>) ((java.lang.reflect.ParameterizedType) g).getRawType(), arena);
    }

    /** A harmless argument of each parameter type the public API takes. */
    private static Object sample(Class<?> t, Arena arena) {
        if (t == EventLoop.class) return loop;
        if (t == java.time.Instant.class) return java.time.Instant.EPOCH;
        if (t == java.nio.file.OpenOption.class) return java.nio.file.StandardOpenOption.READ;
        if (t == int.class) return 1;
        if (t == long.class) return 1L;
        if (t == boolean.class) return false;
        if (t == double.class) return 1.0;
        if (t == char[].class) return "changeit".toCharArray();
        if (t == String.class) return "127.0.0.1";
        if (t == Duration.class) return Duration.ofMillis(1);
        if (t == byte[].class) return new byte[1];
        if (t == ByteBuffer.class) return ByteBuffer.allocate(1);
        if (t == MemorySegment.class) return arena.allocate(1);
        if (t == Signal.class) return Signal.USR1;
        if (t == IpFamily.class) return IpFamily.ANY;
        if (t == ConnectOptions.class) return ConnectOptions.DEFAULT;
        if (t == ListenOptions.class) return ListenOptions.DEFAULT;
        if (t == UdpOptions.class) return UdpOptions.DEFAULT;
        if (t == io.juv.LoopOptions.class) return io.juv.LoopOptions.DEFAULT;
        if (t == io.juv.process.ProcessOptions.class) return io.juv.process.ProcessOptions.of("true");
        if (t == InetSocketAddress.class) return new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        if (t == io.juv.net.TlsOptions.class) return io.juv.net.TlsOptions.client();
        if (t == InetAddress.class) return InetAddress.getLoopbackAddress();
        if (t == List.class) return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        if (t == Map.class) return Map.of();
        if (t == Set.class) return Set.of(PollEvent.READABLE);
        if (t == Path.class) return dir.resolve("no-such-file");
        if (t == Object.class) return "attachment";
        if (t == String[].class) return new String[] {"true"};
        if (t.isEnum()) return t.getEnumConstants()[0];
        if (t.isInterface()) {
            // Any callback: a do-nothing implementation (functional interfaces and handlers alike).
            return Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, (p, m, a) -> {
                if (m.isDefault()) return java.lang.reflect.InvocationHandler.invokeDefault(p, m, a);
                if (m.getName().equals("hashCode")) return System.identityHashCode(p);
                if (m.getName().equals("equals")) return p == a[0];
                if (m.getName().equals("toString")) return "callback";
                Class<?> r = m.getReturnType();
                if (r == boolean.class) return Boolean.FALSE;
                if (r == int.class) return 0;
                if (r == long.class) return 0L;
                return null;
            });
        }
        return null; // a type with no sample: only null is tried for it
    }

    /** The bad arguments of each type; null for every reference type. */
    private static List<Object> bad(Class<?> t, MemorySegment dead) {
        List<Object> b = new ArrayList<>();
        if (t == int.class) b.addAll(List.of(-1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE, 65_536));
        else if (t == long.class) b.addAll(List.of(-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE));
        else if (t == double.class) b.addAll(List.of(-1.0, Double.NaN, Double.POSITIVE_INFINITY));
        else if (t == boolean.class) b.add(true);
        else {
            b.add(null);
            if (t == String.class) b.addAll(List.of("", "\0", "127.0.0.1\0evil", "a".repeat(70_000), "::::", "256.256.256.256", "-1"));
            if (t == Duration.class) b.addAll(List.of(Duration.ofMillis(-1), Duration.ZERO, Duration.ofSeconds(Long.MAX_VALUE),
                    Duration.ofSeconds(Long.MIN_VALUE), Duration.ofNanos(1)));
            if (t == byte[].class) b.add(new byte[0]);
            if (t == ByteBuffer.class) b.addAll(List.of(ByteBuffer.allocate(0), ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
            if (t == MemorySegment.class) b.addAll(List.of(MemorySegment.NULL, dead, MemorySegment.ofArray(new byte[0])));
            if (t == InetSocketAddress.class) b.addAll(List.of(InetSocketAddress.createUnresolved("no.such.host.invalid", 1),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            if (t == List.class) b.add(List.of());
            if (t == Set.class) b.add(Set.of());
            if (t == String[].class) b.addAll(List.of(new String[0], new String[] {"\0"}, new String[] {null}));
            if (t == char[].class) b.add(new char[0]);
            if (t == Path.class) b.addAll(List.of(dir, dir.resolve("a".repeat(5000))));
            if (t == java.time.Instant.class) b.addAll(List.of(java.time.Instant.MAX, java.time.Instant.MIN));
        }
        return b;
    }

    // ------------------------------------------------------------------ the engine

    /**
     * Destructive methods go last, so that the others meet the object in the state the test
     * put it in; then each method is called with the samples, and with each bad argument in turn.
     */
    private static final Set<String> LAST = Set.of("close", "closeNow", "reset", "shutdown", "exit", "stop", "cancel", "kill",
            "freeSignal", "clearSignals", "closeAll");
    /**
     * Blocking, or reaching the process beyond the loop under test: poll makes the descriptor it
     * is given non-blocking, and 0 is the test JVM's stdin from Maven.
     */
    private static final Set<String> SKIPPED = Set.of("run", "runOnce", "runNoWait", "threadPoolSize", "processTitle",
            "socketPair", "stdin", "stdout", "stderr", "await", "join", "get", "poll");

    /** Calls every method; returns what went wrong, each as "method(args): why". */
    private static List<String> fuzz(Object target, Class<?> type, boolean statics, Arena arena, MemorySegment dead) {
        List<String> wrong = new ArrayList<>();
        List<Method> methods = new ArrayList<>(Arrays.asList(type.getMethods()));
        methods.removeIf(m -> m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) != statics
                || SKIPPED.contains(m.getName()) || m.isSynthetic()
                || (statics && STATIC_SKIPPED.contains(type.getSimpleName() + "." + m.getName()))
                || (m.getDeclaringClass().getPackageName().startsWith("java.") && m.getDeclaringClass() != type));
        methods.sort(Comparator.comparing((Method m) -> LAST.contains(m.getName())).thenComparing(Method::toString));
        for (Method m : methods) {
            Class<?>[] types = m.getParameterTypes();
            Object[] samples = Arrays.stream(m.getGenericParameterTypes()).map(t -> sample(t, arena)).toArray();
            Set<List<Object>> calls = new LinkedHashSet<>();
            for (int i = 0; i < types.length; i++) {
                for (Object b : bad(types[i], dead)) {
                    Object[] args = samples.clone();
                    args[i] = b;
                    calls.add(Arrays.asList(args));
                }
            }
            if (!LAST.contains(m.getName())) calls.add(Arrays.asList(samples));
            for (List<Object> args : calls) {
                Object[] a = args.toArray();
                Throwable thrown = null;
                long start = System.nanoTime();
                try {
                    Object result = m.invoke(target, a);
                    if (result instanceof AutoCloseable c && !(result instanceof EventLoop)) closeQuietly(c);
                    if (result instanceof CompletableFuture<?> f) f.exceptionally(e -> null);
                } catch (InvocationTargetException e) {
                    thrown = e.getCause();
                } catch (IllegalAccessException e) {
                    continue; // a public method of a non-public class (an implementation detail reached by getMethods)
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (ms > 500) System.out.println("api fuzz: " + type.getSimpleName() + "." + m.getName() + describe(a) + " took " + ms + " ms");
                String why = judge(m, thrown, a);
                if (why != null) wrong.add(type.getSimpleName() + "." + m.getName() + describe(a) + ": " + why);
            }
        }
        return wrong;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // what a bad argument made may refuse to close: that is its business, the loop's check is ours
        }
    }

    private static String describe(Object[] args) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) s.append(", ");
            Object a = args[i];
            String text = a == null ? "null" : a instanceof String str ? '"' + (str.length() > 20 ? str.substring(0, 20) + "..." : str)
                    .replace("\0", "\\0") + '"' : a instanceof Proxy ? "callback" : a.getClass().isArray() ? a.getClass().getSimpleName()
                    : String.valueOf(a);
            s.append(text.length() > 60 ? text.substring(0, 60) + "..." : text);
        }
        return s.append(')').toString();
    }
}
