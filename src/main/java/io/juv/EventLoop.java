package io.juv;

import io.juv.internal.HandleBase;
import io.juv.internal.LibUv;
import io.juv.internal.LoopCore;
import io.juv.internal.ThreadPool;
import io.juv.internal.Uv;
import io.juv.net.ConnectOptions;
import io.juv.net.Dns;
import io.juv.net.IpFamily;
import io.juv.net.ListenOptions;
import io.juv.net.Pipe;
import io.juv.net.PipeServer;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.net.Udp;
import io.juv.net.UdpHandler;
import io.juv.net.UdpOptions;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A libuv event loop, run on the thread that created it (cl-async's event loop).
 *
 * <pre>{@code
 * EventLoop.start(loop -> {
 *     loop.delay(Duration.ofSeconds(1), () -> System.out.println("one second later"));
 * });
 * }</pre>
 *
 * <p>Everything but {@link #execute} must be called on the loop's thread; a call from another
 * thread fails at once with {@link WrongThreadException}. Other threads hand work to the loop
 * with {@link #execute}.
 *
 * <p><b>Errors.</b> By default an exception thrown by a callback stops the loop: every handle is
 * closed and {@link #run} rethrows it. With {@link #catchErrors(Consumer)} (cl-async's
 * {@code catch-app-errors}) it goes to the handler instead, and the loop keeps running.
 * Whatever a callback throws, exception or Error, never unwinds into libuv, and reaches the
 * policy once:
 * <ul>
 * <li>Exceptions and Errors such as {@link AssertionError} go to the handler like any exception.</li>
 * <li>A {@link StackOverflowError} too: by the time juv catches it the stack has unwound to
 *     where juv called the callback, so the handler runs with the stack the callback started
 *     with, and juv finishes what it was doing around the call as after any exception. (An
 *     overflow that strikes inside one of juv's own methods, called by code recursing without
 *     end, may leave that object half-changed, as it may most JDK classes: close it.)</li>
 * <li>Any other {@link VirtualMachineError} ({@link OutOfMemoryError}, {@link InternalError}) is
 *     not given to the handler: the JVM may be in no state to go on, so it stops the loop as if
 *     no handler were set (every handle closed once the callback has returned to libuv) and
 *     {@link #run} rethrows it.</li>
 * <li>A stage of a returned {@link LoopFuture} follows CompletableFuture's contract: what it
 *     throws completes the stage's own future exceptionally and is not handed to the policy.</li>
 * </ul>
 */
public final class EventLoop implements Executor, AutoCloseable {

    final LoopCore core;

    static {
        // How io.juv.net and the other capability packages reach a loop's core.
        LoopCore.coresOf(loop -> loop.core);
    }

    private EventLoop(LoopOptions options) {
        Signal block = options.blockSignal();
        if (block != null && block.number() < 0) throw new IllegalArgumentException("SIG" + block + " does not exist on this platform");
        this.core = new LoopCore(this, options.idleTime(), block == null ? 0 : block.number());
    }

    /** A new loop, owned by the calling thread. */
    public static EventLoop create() {
        return new EventLoop(LoopOptions.DEFAULT);
    }

    /** A new loop configured by {@code options} (uv_loop_configure), owned by the calling thread. */
    public static EventLoop create(LoopOptions options) {
        return new EventLoop(Objects.requireNonNull(options, "options"));
    }

    /**
     * cl-async's {@code start-event-loop}: makes a loop, runs {@code start} on it, runs the loop
     * until no work is left, and closes it.
     */
    public static void start(Consumer<EventLoop> start) {
        try (EventLoop loop = create()) {
            loop.run(start);
        }
    }

    /** Runs the loop until no referenced handle or request is left (or {@link #exit()}). */
    public void run() {
        core.run(null);
    }

    /** Runs {@code start} on the loop, then the loop until no referenced handle or request is left. */
    public void run(Consumer<EventLoop> start) {
        Objects.requireNonNull(start, "start");
        core.run(() -> start.accept(this));
    }

    /**
     * Runs one iteration of the loop (libuv's UV_RUN_ONCE): waits for events if none are ready,
     * runs their callbacks and the tasks handed over with {@link #execute}, and returns whether
     * work remains (a referenced handle or request, or a task). For driving the loop from another
     * event loop or a game loop; exit hooks run once it returns false.
     */
    public boolean runOnce() {
        return core.run(null, Uv.RUN_ONCE);
    }

    /** {@link #runOnce()} without waiting (UV_RUN_NOWAIT): runs what is ready now and returns whether work remains. */
    public boolean runNoWait() {
        return core.run(null, Uv.RUN_NOWAIT);
    }

    /**
     * Ends the loop: closes every open handle (servers, sockets, timers, signal handlers) and
     * cancels every {@link Work} job that has not started, so that {@link #run} returns once
     * their callbacks have run (a job already running is still waited for).
     */
    public void exit() {
        core.exit();
    }

    /** Runs {@code hook} when {@link #run} finishes, normally or by {@link #exit()}. */
    public void onExit(Runnable hook) {
        core.onExit(Objects.requireNonNull(hook, "hook"));
    }

    /** Closes every handle and then libuv's loop. Must be called on the loop's thread, outside {@link #run}. */
    @Override
    public void close() {
        core.close();
    }

    public boolean isClosed() {
        return core.isClosed();
    }

    // ------------------------------------------------------------------ error policy

    /**
     * Catches errors from callbacks: they go to {@code handler} and the loop keeps running; all
     * but a {@link VirtualMachineError} other than {@link StackOverflowError}, which still stops
     * the loop (see the class comment). A throwable from the handler itself stops the loop, with
     * the one it was handling suppressed into it.
     */
    public EventLoop catchErrors(Consumer<Throwable> handler) {
        core.checkThread();
        core.errorHandler(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * {@code true}: errors from callbacks are logged (System.Logger "io.juv") and the loop keeps
     * running. {@code false} (the default): the first error stops the loop and {@link #run} rethrows it.
     */
    public EventLoop catchErrors(boolean on) {
        core.checkThread();
        core.errorHandler(on ? t -> System.getLogger("io.juv").log(System.Logger.Level.ERROR,
                "juv: error in a callback", t) : null);
        return this;
    }

    // ------------------------------------------------------------------ threads

    /**
     * Runs {@code task} on the loop's thread. Safe from any thread; tasks from one thread run in
     * the order given. A waiting task does not keep the loop alive by itself: tasks that arrive
     * after {@link #run} returned run at the next {@code run}, or at {@link #close()}.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the loop is closed
     */
    @Override
    public void execute(Runnable task) {
        core.execute(task);
    }

    /** True on the loop's own thread. */
    public boolean inLoopThread() {
        return core.inLoopThread();
    }

    // ------------------------------------------------------------------ timers

    /**
     * Runs {@code task} once after {@code delay} (cl-async's {@code delay}). A zero delay runs it
     * on the loop's next iteration, never before this method returns.
     */
    public Timer delay(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        return new Timer(core, delay, null, task, null);
    }

    /** Runs {@code tick} every {@code interval}, first after one interval, until the timer is cancelled. */
    public Timer interval(Duration interval, Consumer<Timer> tick) {
        Objects.requireNonNull(tick, "tick");
        if (Objects.requireNonNull(interval, "interval").isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        return new Timer(core, interval, interval, null, tick);
    }

    /** The loop's cached time in milliseconds (libuv's {@code uv_now}), updated once per iteration. */
    public long now() {
        core.checkThread();
        core.checkOpen();
        return Uv.now(core.loop);
    }

    // ------------------------------------------------------------------ TCP and DNS (io.juv.net)

    /** A TCP server on {@code host} (an IPv4 or IPv6 literal, such as "0.0.0.0" or "::") with a backlog of 1024. */
    public TcpServer listen(String host, int port, StreamHandler<? super TcpSocket> handler) {
        return TcpServer.listen(this, host, port, ListenOptions.DEFAULT, handler);
    }

    /** A TCP server; port 0 lets the system choose one ({@link TcpServer#port()} tells which). */
    public TcpServer listen(String host, int port, int backlog, StreamHandler<? super TcpSocket> handler) {
        return TcpServer.listen(this, host, port, ListenOptions.DEFAULT.backlog(backlog), handler);
    }

    /** A UDP socket bound to host and port (0: the system chooses), receiving into the handler ({@link Udp#bind}). */
    public Udp udp(String host, int port, UdpHandler handler) {
        return Udp.bind(this, host, port, UdpOptions.DEFAULT, handler);
    }

    /** A UDP socket with options: IPv6 only, SO_REUSEADDR, SO_REUSEPORT ({@link UdpOptions}). */
    public Udp udp(String host, int port, UdpOptions options, UdpHandler handler) {
        return Udp.bind(this, host, port, options, handler);
    }

    /** A TCP server with options: backlog, SO_REUSEPORT, IPv6 only ({@link ListenOptions}). */
    public TcpServer listen(String host, int port, ListenOptions options, StreamHandler<? super TcpSocket> handler) {
        return TcpServer.listen(this, host, port, options, handler);
    }

    /**
     * Opens a TCP connection to an IP literal or a host name (looked up on libuv's thread pool,
     * each of its addresses tried in turn). {@link StreamHandler#onConnect} runs once it is open;
     * the future completes with the socket then, or exceptionally with a {@link UvException}
     * (after {@link StreamHandler#onError}).
     */
    public CompletableFuture<TcpSocket> connect(String host, int port, StreamHandler<? super TcpSocket> handler) {
        return TcpSocket.connect(this, host, port, ConnectOptions.DEFAULT, handler);
    }

    /** {@link #connect(String, int, StreamHandler)} with an address family and a timeout ({@link ConnectOptions}). */
    public CompletableFuture<TcpSocket> connect(String host, int port, ConnectOptions options,
                                                StreamHandler<? super TcpSocket> handler) {
        return TcpSocket.connect(this, host, port, options, handler);
    }

    /** Connects to the first of the addresses that answers, trying them in order. */
    public CompletableFuture<TcpSocket> connect(List<InetSocketAddress> addresses, ConnectOptions options,
                                                StreamHandler<? super TcpSocket> handler) {
        return TcpSocket.connect(this, addresses, options, handler);
    }

    /** Every address of a name, IPv4 and IPv6 ({@link Dns#lookup}). */
    public CompletableFuture<List<InetAddress>> lookup(String host) {
        return Dns.lookup(this, host, IpFamily.ANY);
    }

    /** Every address of a name, of one family ({@link Dns#lookup}). */
    public CompletableFuture<List<InetAddress>> lookup(String host, IpFamily family) {
        return Dns.lookup(this, host, family);
    }

    /** The name of an address ({@link Dns#reverse}). */
    public CompletableFuture<String> reverseLookup(InetAddress address) {
        return Dns.reverse(this, address);
    }

    /**
     * Sets the size of libuv's thread pool, which DNS lookups, file operations and queued work
     * share across every loop of the process (default 4, at most 1024). libuv reads it once, when
     * the pool first starts: call this before any of those.
     *
     * @throws IllegalStateException once the pool has started
     */
    public static void threadPoolSize(int threads) {
        ThreadPool.size(threads);
    }

    /** The size of libuv's thread pool: the one it started with, or the one it will start with. */
    public static int threadPoolSize() {
        return ThreadPool.size();
    }

    // ------------------------------------------------------------------ files (io.juv.fs)

    /** This loop's asynchronous file operations, on libuv's thread pool ({@link io.juv.fs.Fs}). */
    public io.juv.fs.Fs fs() {
        return io.juv.fs.Fs.of(this);
    }

    // ------------------------------------------------------------------ TLS (io.juv.net)

    /** Connects by TCP and shakes hands as a TLS client, verifying the server ({@link io.juv.net.TlsStream#connect}). */
    public CompletableFuture<io.juv.net.TlsStream> connectTls(String host, int port, io.juv.net.TlsOptions options,
                                                              StreamHandler<? super io.juv.net.TlsStream> handler) {
        return io.juv.net.TlsStream.connect(this, host, port, options, handler);
    }

    /** A TCP server whose connections are TLS server sessions ({@link io.juv.net.TlsStream#listen}). */
    public TcpServer listenTls(String host, int port, io.juv.net.TlsOptions options,
                               StreamHandler<? super io.juv.net.TlsStream> handler) {
        return io.juv.net.TlsStream.listen(this, host, port, options, handler);
    }

    // ------------------------------------------------------------------ pipes (io.juv.net)

    /**
     * A pipe server (a Unix domain socket; a named pipe on Windows) at {@code name}, a path or on
     * Linux an abstract name starting with {@code '\0'} ({@link PipeServer#listen}).
     */
    public PipeServer listenPipe(String name, StreamHandler<? super Pipe> handler) {
        return PipeServer.listen(this, name, handler);
    }

    /** Connects to the pipe server at {@code name} ({@link Pipe#connect}). */
    public CompletableFuture<Pipe> connectPipe(String name, StreamHandler<? super Pipe> handler) {
        return Pipe.connect(this, name, handler);
    }

    // ------------------------------------------------------------------ processes

    /** Spawns a child process ({@link io.juv.process.Process#spawn}); {@code onExit} may be null. */
    public io.juv.process.Process spawn(io.juv.process.ProcessOptions options, io.juv.process.ExitHandler onExit) {
        return io.juv.process.Process.spawn(this, options, onExit);
    }

    /** Spawns a child process; its end is in {@link io.juv.process.Process#exited()}. */
    public io.juv.process.Process spawn(io.juv.process.ProcessOptions options) {
        return io.juv.process.Process.spawn(this, options, null);
    }

    // ------------------------------------------------------------------ signals

    /**
     * Calls {@code handler} on the loop each time the process receives {@code signal}. See
     * {@link Signal} for what this means for the signals the JVM uses itself.
     *
     * @throws IllegalArgumentException for a signal this platform lacks, or one the JVM reserves
     */
    public SignalHandler onSignal(Signal signal, Consumer<Signal> handler) {
        Objects.requireNonNull(handler, "handler");
        if (Objects.requireNonNull(signal, "signal").number() < 0) throw new IllegalArgumentException("SIG" + signal + " does not exist on this platform");
        if (signal.isReservedByJvm()) {
            throw new IllegalArgumentException("SIG" + signal + " is used by the JVM itself and cannot be handled");
        }
        return new SignalHandler(core, signal, handler);
    }

    /** Frees this loop's handlers for {@code signal} (cl-async's {@code free-signal-handler}). */
    public void freeSignal(Signal signal) {
        for (HandleBase h : core.handles()) {
            if (h instanceof SignalHandler s && s.signal() == signal) s.close();
        }
    }

    /** Frees every signal handler of this loop (cl-async's {@code clear-signal-handlers}). */
    public void clearSignals() {
        for (HandleBase h : core.handles()) {
            if (h instanceof SignalHandler s) s.close();
        }
    }

    // ------------------------------------------------------------------ loop hooks, notifiers, work, polling

    /** Runs {@code callback} once per iteration before prepare hooks; while started the loop never sleeps ({@link LoopHook}). */
    public LoopHook onIdle(Runnable callback) {
        return new LoopHook(core, LoopHook.Phase.IDLE, Objects.requireNonNull(callback, "callback"));
    }

    /** Runs {@code callback} once per iteration just before the loop polls for I/O ({@link LoopHook}). */
    public LoopHook onPrepare(Runnable callback) {
        return new LoopHook(core, LoopHook.Phase.PREPARE, Objects.requireNonNull(callback, "callback"));
    }

    /** Runs {@code callback} once per iteration just after the loop polled for I/O ({@link LoopHook}). */
    public LoopHook onCheck(Runnable callback) {
        return new LoopHook(core, LoopHook.Phase.CHECK, Objects.requireNonNull(callback, "callback"));
    }

    /** A notifier any thread can trigger to run {@code callback} on the loop, again and again ({@link Notifier}). */
    public Notifier notifier(Runnable callback) {
        return new Notifier(core, Objects.requireNonNull(callback, "callback"), false);
    }

    /** A notifier that runs {@code callback} once, at the first trigger, and closes itself ({@link Notifier}). */
    public Notifier notifierOnce(Runnable callback) {
        return new Notifier(core, Objects.requireNonNull(callback, "callback"), true);
    }

    /** Runs a blocking job on juv's work pool; its future completes on the loop ({@link Work}). */
    public <T> Work<T> work(java.util.concurrent.Callable<? extends T> job) {
        return Work.submit(core, job, null, null);
    }

    /** Runs a blocking job on juv's work pool, then {@code done} on the loop ({@link Work}). */
    public <T> Work<T> work(java.util.concurrent.Callable<? extends T> job, WorkCallback<? super T> done) {
        return Work.submit(core, job, null, Objects.requireNonNull(done, "done"));
    }

    /** Runs a blocking job on {@code executor} (virtual threads, say), then {@code done} on the loop ({@link Work}). */
    public <T> Work<T> work(java.util.concurrent.Callable<? extends T> job, Executor executor, WorkCallback<? super T> done) {
        return Work.submit(core, job, Objects.requireNonNull(executor, "executor"), done);
    }

    /** Watches a file descriptor or socket for readiness ({@link Poller}). */
    public Poller poll(int fd, java.util.Set<PollEvent> interest, PollHandler handler) {
        return Poller.open(this, fd, interest, handler);
    }

    /** Watches a file or directory for changes ({@link io.juv.fs.FileWatcher#watch}, not recursive). */
    public io.juv.fs.FileWatcher watch(java.nio.file.Path path, io.juv.fs.FileWatchHandler handler) {
        return io.juv.fs.FileWatcher.watch(this, path, false, handler);
    }

    /** Polls a path's status every {@code interval} ({@link io.juv.fs.StatPoller#start}). */
    public io.juv.fs.StatPoller pollStat(java.nio.file.Path path, Duration interval, io.juv.fs.StatPollHandler handler) {
        return io.juv.fs.StatPoller.start(this, path, interval, handler);
    }

    // ------------------------------------------------------------------ stats

    /** The loop's counters now (cl-async's {@code stats}). Cheap: plain fields read on the loop thread. */
    public LoopStats stats() {
        if (!core.isClosed()) core.checkThread();
        return core.stats();
    }

    /** The loaded libuv's version, such as "1.44.2". */
    public static String libuvVersion() {
        LibUv.load();
        return LibUv.versionString();
    }
}
