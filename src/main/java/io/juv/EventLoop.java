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
 * A libuv event loop, run on the thread that created it (cl-async's event loop): the one entry
 * point of juv. Timers, servers, sockets, pipes, signals, processes, file operations and hooks are
 * all made from a loop, live on its thread and close with it.
 *
 * {@snippet :
 * EventLoop.start(loop -> {
 *     loop.delay(Duration.ofSeconds(1), () -> System.out.println("one second later"));
 *     loop.listen("127.0.0.1", 8080, (socket, data) -> socket.write(data)); // an echo server
 *     loop.onSignal(Signal.INT, signal -> loop.exit());                     // ^C ends run()
 * });
 * }
 *
 * <p>{@link #start} makes a loop, runs it and closes it; the same by hand, for a loop that
 * outlives one run or is driven a step at a time ({@link #runOnce()}):
 * {@snippet :
 * try (EventLoop loop = EventLoop.create()) {
 *     loop.delay(Duration.ZERO, () -> System.out.println("next iteration"));
 *     loop.run();   // returns once no referenced handle or request is left
 * }                 // close(): every handle, then libuv's loop
 * }
 *
 * <p><b>Threads.</b> A loop belongs to the thread that created it. Everything but
 * {@link #execute}, {@link #inLoopThread()}, {@link #isClosed()}, the static methods and
 * {@link #stats()} of a closed loop must be called on that thread; a call from another thread
 * fails at once with {@link WrongThreadException} (libuv is not thread-safe, and a call from the
 * wrong thread would corrupt it). Other threads hand work to the loop with {@link #execute}, or
 * wake it with a {@link Notifier}.
 *
 * <p><b>Life.</b> {@link #run} returns once no referenced handle or request is left (a timer, a
 * server, a socket, a pending request: each keeps the loop alive until it is closed or done,
 * unless {@code unref()}'d). {@link #exit()} closes every handle so that {@code run} returns.
 * {@link #close()} closes what is still open and frees libuv's loop; after it the factories
 * ({@link #delay}, {@link #listen(String, int, StreamHandler) listen},
 * {@link #work(java.util.concurrent.Callable) work} ...) throw {@link IllegalStateException}, and
 * {@link #execute} throws {@link java.util.concurrent.RejectedExecutionException}.
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

    /**
     * A new loop, owned by the calling thread, with {@link LoopOptions#DEFAULT}. Loads libuv at the
     * first call: from the path in the system property {@code juv.libuv.path}, else by the
     * platform's name for it ({@code libuv.so.1}, {@code libuv.1.dylib}, {@code uv.dll}).
     *
     * @return the loop, open and not yet running
     * @throws UvException if libuv cannot make a loop
     * @throws UnsatisfiedLinkError if libuv cannot be loaded, or is older than 1.44 (the message
     *         says what to install)
     */
    public static EventLoop create() {
        return new EventLoop(LoopOptions.DEFAULT);
    }

    /**
     * A new loop configured by {@code options} (uv_loop_configure), owned by the calling thread.
     *
     * @param options the loop's configuration
     * @return the loop, open and not yet running
     * @throws IllegalArgumentException if {@code options} blocks a signal this platform lacks
     * @throws UvException if libuv cannot make the loop or refuses the configuration (EINVAL for a
     *         blocked signal other than {@link Signal#PROF})
     */
    public static EventLoop create(LoopOptions options) {
        return new EventLoop(Objects.requireNonNull(options, "options"));
    }

    /**
     * cl-async's {@code start-event-loop}: makes a loop, runs {@code start} on it, runs the loop
     * until no work is left, and closes it. Blocks the calling thread, which becomes the loop's,
     * until then.
     *
     * @param start what to do first, on the loop's thread: open servers, start timers ...
     * @throws RuntimeException what a callback threw, when no error handler caught it (see
     *         {@link #catchErrors(Consumer)}), once every handle is closed
     */
    public static void start(Consumer<EventLoop> start) {
        try (EventLoop loop = create()) {
            loop.run(start);
        }
    }

    /**
     * Runs the loop until no referenced handle or request is left (or {@link #exit()}). Tasks
     * handed over with {@link #execute} run meanwhile; the {@link #onExit} hooks run at the end.
     *
     * @throws IllegalStateException if the loop is already running (a call from a callback) or closed
     * @throws RuntimeException what a callback threw, when no error handler caught it: the loop
     *         closed every handle first (see the class comment)
     */
    public void run() {
        core.run(null);
    }

    /**
     * Runs {@code start} on the loop, then the loop until no referenced handle or request is left,
     * as {@link #run()}. The loop's clock is updated first, so delays asked for in {@code start}
     * count from now.
     *
     * @param start what to do first, on the loop's thread
     * @throws IllegalStateException if the loop is already running or closed
     * @throws RuntimeException what {@code start} or a callback threw, when no error handler caught it
     */
    public void run(Consumer<EventLoop> start) {
        Objects.requireNonNull(start, "start");
        core.run(() -> start.accept(this));
    }

    /**
     * Runs one iteration of the loop (libuv's UV_RUN_ONCE): waits for events if none are ready,
     * runs their callbacks and the tasks handed over with {@link #execute}, and returns whether
     * work remains (a referenced handle or request, or a task). For driving the loop from another
     * event loop or a game loop; exit hooks run once it returns false.
     *
     * @return true while work remains: call it again
     * @throws IllegalStateException if the loop is already running or closed
     * @throws RuntimeException what a callback threw, when no error handler caught it
     */
    public boolean runOnce() {
        return core.run(null, Uv.RUN_ONCE);
    }

    /**
     * {@link #runOnce()} without waiting (UV_RUN_NOWAIT): runs what is ready now and returns whether
     * work remains.
     *
     * @return true while work remains
     * @throws IllegalStateException if the loop is already running or closed
     * @throws RuntimeException what a callback threw, when no error handler caught it
     */
    public boolean runNoWait() {
        return core.run(null, Uv.RUN_NOWAIT);
    }

    /**
     * Ends the loop: closes every open handle (servers, sockets, timers, signal handlers) and
     * cancels every {@link Work} job that has not started, so that {@link #run} returns once
     * their callbacks have run (a job already running is still waited for). Streams closing
     * gracefully are closed at once. The loop stays open: it can be run again, and must still be
     * {@link #close()}d.
     */
    public void exit() {
        core.exit();
    }

    /**
     * Runs {@code hook} when {@link #run} finishes, normally or by {@link #exit()} (for
     * {@link #runOnce()}, once it returns false), once: hooks are dropped after they ran. An
     * exception from a hook goes to the error policy.
     *
     * @param hook what to run, on the loop's thread
     */
    public void onExit(Runnable hook) {
        core.onExit(Objects.requireNonNull(hook, "hook"));
    }

    /**
     * Closes every handle and then libuv's loop, and frees its native memory. Tasks already handed
     * over with {@link #execute} run first; {@link Work} jobs in flight are waited for, so their
     * callbacks run. Safe to call more than once. Must be called on the loop's thread, outside
     * {@link #run} (from a callback, use {@link #exit()}).
     *
     * @throws IllegalStateException inside {@link #run}
     * @throws RuntimeException an error a callback threw while the loop closed, when no error
     *         handler caught it
     * @throws UvException if libuv still holds something open (then the loop's memory is kept,
     *         not freed under libuv)
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * {@return true once {@link #close()} has closed the loop} It does not check the thread: from
     * another thread it never throws, but may not yet see a close the loop's thread has just made.
     */
    public boolean isClosed() {
        return core.isClosed();
    }

    // ------------------------------------------------------------------ error policy

    /**
     * Catches errors from callbacks: they go to {@code handler} and the loop keeps running; all
     * but a {@link VirtualMachineError} other than {@link StackOverflowError}, which still stops
     * the loop (see the class comment). A throwable from the handler itself stops the loop, with
     * the one it was handling suppressed into it.
     *
     * @param handler what to do with an error, on the loop's thread
     * @return this loop
     */
    public EventLoop catchErrors(Consumer<Throwable> handler) {
        core.checkThread();
        core.errorHandler(Objects.requireNonNull(handler, "handler"));
        return this;
    }

    /**
     * {@code true}: errors from callbacks are logged (System.Logger "io.juv") and the loop keeps
     * running. {@code false} (the default): the first error stops the loop and {@link #run} rethrows it.
     *
     * @param on whether to log errors and keep running
     * @return this loop
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
     * after {@link #run} returned run at the next {@code run}, or at {@link #close()}. An
     * exception from a task goes to the loop's error policy.
     *
     * {@snippet :
     * // on another thread: hand a result to the loop, which writes it to a socket of its own
     * loop.execute(() -> socket.write(result));
     * }
     *
     * @param task what to run on the loop's thread
     * @throws java.util.concurrent.RejectedExecutionException once the loop is closed
     */
    @Override
    public void execute(Runnable task) {
        core.execute(task);
    }

    /** {@return true on the loop's own thread} Safe from any thread. */
    public boolean inLoopThread() {
        return core.inLoopThread();
    }

    // ------------------------------------------------------------------ timers

    /**
     * Runs {@code task} once after {@code delay} (cl-async's {@code delay}). A zero delay runs it
     * on the loop's next iteration, never before this method returns.
     *
     * @param delay how long to wait; not negative (below a millisecond counts as one)
     * @param task  what to run, on the loop's thread
     * @return the timer, which {@link Timer#cancel()} stops
     * @throws IllegalArgumentException if {@code delay} is negative or longer than the loop's clock can count
     * @throws IllegalStateException if the loop is closed
     */
    public Timer delay(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        return new Timer(core, delay, null, task, null);
    }

    /**
     * Runs {@code tick} every {@code interval}, first after one interval, until the timer is
     * cancelled (cl-async's {@code interval}). Each tick is due one interval after the loop time
     * the last one fired at.
     *
     * @param interval the time between ticks; positive
     * @param tick     what to run each time, given the timer (to cancel it from inside)
     * @return the timer, which {@link Timer#cancel()} stops
     * @throws IllegalArgumentException if {@code interval} is zero, negative or too long
     * @throws IllegalStateException if the loop is closed
     */
    public Timer interval(Duration interval, Consumer<Timer> tick) {
        Objects.requireNonNull(tick, "tick");
        if (Objects.requireNonNull(interval, "interval").isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        return new Timer(core, interval, interval, null, tick);
    }

    /**
     * {@return the loop's cached time in milliseconds (libuv's {@code uv_now}), updated once per
     * iteration} It counts from an arbitrary point: for intervals, not the time of day.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public long now() {
        core.checkThread();
        core.checkOpen();
        return Uv.now(core.loop);
    }

    // ------------------------------------------------------------------ TCP and DNS (io.juv.net)

    /**
     * A TCP server on {@code host} (an IPv4 or IPv6 literal, such as "0.0.0.0" or "::", or
     * "localhost") with a backlog of 1024, listening when this returns ({@link TcpServer#listen}).
     *
     * @param host    the address to listen on
     * @param port    the port; 0 lets the system choose one ({@link TcpServer#port()} tells which)
     * @param handler what every accepted connection's events go to, on the loop's thread
     * @return the listening server; {@link TcpServer#close()} stops it
     * @throws IllegalArgumentException if {@code host} is not an IP literal
     * @throws UvException if the system refuses the address ({@link ErrorKind#ADDRESS_IN_USE} ...)
     */
    public TcpServer listen(String host, int port, StreamHandler<? super TcpSocket> handler) {
        return TcpServer.listen(this, host, port, ListenOptions.DEFAULT, handler);
    }

    /**
     * A TCP server with a backlog of its own ({@link TcpServer#listen}).
     *
     * @param host    the address to listen on: an IPv4 or IPv6 literal, or "localhost"
     * @param port    the port; 0 lets the system choose one ({@link TcpServer#port()} tells which)
     * @param backlog how many connections the kernel queues before they are accepted
     * @param handler what every accepted connection's events go to, on the loop's thread
     * @return the listening server
     * @throws IllegalArgumentException if {@code host} is not an IP literal or the backlog is not positive
     * @throws UvException if the system refuses the address
     */
    public TcpServer listen(String host, int port, int backlog, StreamHandler<? super TcpSocket> handler) {
        return TcpServer.listen(this, host, port, ListenOptions.DEFAULT.backlog(backlog), handler);
    }

    /**
     * A UDP socket bound to host and port, receiving into the handler at once ({@link Udp#bind}).
     *
     * @param host    the address to bind: an IPv4 or IPv6 literal, or "localhost"
     * @param port    the port; 0 lets the system choose one
     * @param handler what the socket's datagrams and errors go to, on the loop's thread
     * @return the bound socket
     * @throws IllegalArgumentException if {@code host} is not an IP literal
     * @throws UvException if the system refuses the address
     */
    public Udp udp(String host, int port, UdpHandler handler) {
        return Udp.bind(this, host, port, UdpOptions.DEFAULT, handler);
    }

    /**
     * A UDP socket with options: IPv6 only, SO_REUSEADDR, SO_REUSEPORT ({@link UdpOptions},
     * {@link Udp#bind}).
     *
     * @param host    the address to bind: an IPv4 or IPv6 literal, or "localhost"
     * @param port    the port; 0 lets the system choose one
     * @param options how the socket is bound
     * @param handler what the socket's datagrams and errors go to, on the loop's thread
     * @return the bound socket
     * @throws IllegalArgumentException if {@code host} is not an IP literal, or not IPv6 with ipv6Only
     * @throws UvException if the system refuses the address
     * @throws UnsupportedOperationException for reusePort where the system cannot balance datagrams
     */
    public Udp udp(String host, int port, UdpOptions options, UdpHandler handler) {
        return Udp.bind(this, host, port, options, handler);
    }

    /**
     * A TCP server with options: backlog, SO_REUSEPORT, IPv6 only ({@link ListenOptions},
     * {@link TcpServer#listen}).
     *
     * @param host    the address to listen on: an IPv4 or IPv6 literal, or "localhost"
     * @param port    the port; 0 lets the system choose one ({@link TcpServer#port()} tells which)
     * @param options how the server listens
     * @param handler what every accepted connection's events go to, on the loop's thread
     * @return the listening server
     * @throws IllegalArgumentException if {@code host} is not an IP literal, or not IPv6 with ipv6Only
     * @throws UvException if the system refuses the address
     * @throws UnsupportedOperationException for reusePort where the system cannot balance connections
     */
    public TcpServer listen(String host, int port, ListenOptions options, StreamHandler<? super TcpSocket> handler) {
        return TcpServer.listen(this, host, port, options, handler);
    }

    /**
     * Opens a TCP connection to an IP literal or a host name (looked up on libuv's thread pool,
     * each of its addresses tried in turn). {@link StreamHandler#onConnect} runs once it is open;
     * the future completes with the socket then, or exceptionally with a {@link UvException}
     * (after {@link StreamHandler#onError}). The future is a {@link LoopFuture}: its stages run on
     * the loop's thread.
     *
     * @param host    an IPv4 or IPv6 literal, or a host name
     * @param port    the port to connect to
     * @param handler what the socket's events go to, on the loop's thread
     * @return the future of the open socket
     * @throws IllegalArgumentException if {@code port} is not 0 to 65535
     */
    public CompletableFuture<TcpSocket> connect(String host, int port, StreamHandler<? super TcpSocket> handler) {
        return TcpSocket.connect(this, host, port, ConnectOptions.DEFAULT, handler);
    }

    /**
     * {@link #connect(String, int, StreamHandler)} with an address family and a timeout
     * ({@link ConnectOptions}).
     *
     * @param host    an IPv4 or IPv6 literal, or a host name
     * @param port    the port to connect to
     * @param options the address family to look up, the timeout ...
     * @param handler what the socket's events go to, on the loop's thread
     * @return the future of the open socket
     * @throws IllegalArgumentException if {@code port} is not 0 to 65535
     */
    public CompletableFuture<TcpSocket> connect(String host, int port, ConnectOptions options,
                                                StreamHandler<? super TcpSocket> handler) {
        return TcpSocket.connect(this, host, port, options, handler);
    }

    /**
     * Connects to the first of the addresses that answers, trying them in order
     * ({@link TcpSocket#connect(EventLoop, List, ConnectOptions, StreamHandler)}).
     *
     * @param addresses where to connect, in the order to try them
     * @param options   the timeout ...
     * @param handler   what the socket's events go to, on the loop's thread
     * @return the future of the open socket
     * @throws IllegalArgumentException if {@code addresses} is empty or holds an unresolved address
     */
    public CompletableFuture<TcpSocket> connect(List<InetSocketAddress> addresses, ConnectOptions options,
                                                StreamHandler<? super TcpSocket> handler) {
        return TcpSocket.connect(this, addresses, options, handler);
    }

    /**
     * Every address of a name, IPv4 and IPv6, looked up on libuv's thread pool ({@link Dns#lookup}).
     *
     * @param host a host name, or an IP literal (which gives itself)
     * @return the future of the addresses, in the resolver's order; it fails with a
     *         {@link UvException} of kind {@link ErrorKind#HOST_NOT_FOUND} or {@link ErrorKind#DNS_FAILURE}
     */
    public CompletableFuture<List<InetAddress>> lookup(String host) {
        return Dns.lookup(this, host, IpFamily.ANY);
    }

    /**
     * Every address of a name, of one family ({@link Dns#lookup}).
     *
     * @param host   a host name, or an IP literal
     * @param family the family of the addresses wanted
     * @return the future of the addresses, in the resolver's order
     */
    public CompletableFuture<List<InetAddress>> lookup(String host, IpFamily family) {
        return Dns.lookup(this, host, family);
    }

    /**
     * The name of an address, looked up on libuv's thread pool ({@link Dns#reverse}).
     *
     * @param address the address to name
     * @return the future of its name, or of its numeric form when it has none
     */
    public CompletableFuture<String> reverseLookup(InetAddress address) {
        return Dns.reverse(this, address);
    }

    /**
     * Sets the size of libuv's thread pool, which DNS lookups, file operations and queued work
     * share across every loop of the process (default 4, at most 1024). libuv reads it once, when
     * the pool first starts: call this before any of those. Safe from any thread.
     *
     * @param threads the number of threads, 1 to 1024
     * @throws IllegalArgumentException for a size out of that range
     * @throws IllegalStateException once the pool has started
     */
    public static void threadPoolSize(int threads) {
        ThreadPool.size(threads);
    }

    /**
     * {@return the size of libuv's thread pool: the one it started with, or the one it will start
     * with} Safe from any thread.
     */
    public static int threadPoolSize() {
        return ThreadPool.size();
    }

    // ------------------------------------------------------------------ files (io.juv.fs)

    /**
     * {@return this loop's asynchronous file operations, on libuv's thread pool}
     * See {@link io.juv.fs.Fs}.
     */
    public io.juv.fs.Fs fs() {
        return io.juv.fs.Fs.of(this);
    }

    // ------------------------------------------------------------------ TLS (io.juv.net)

    /**
     * Connects by TCP and shakes hands as a TLS client, verifying the server
     * ({@link io.juv.net.TlsStream#connect}).
     *
     * @param host    the server's host name (verified against its certificate) or IP literal
     * @param port    the port to connect to
     * @param options the TLS configuration
     * @param handler what the session's events go to, on the loop's thread
     * @return the future of the session, complete once the handshake is done
     */
    public CompletableFuture<io.juv.net.TlsStream> connectTls(String host, int port, io.juv.net.TlsOptions options,
                                                              StreamHandler<? super io.juv.net.TlsStream> handler) {
        return io.juv.net.TlsStream.connect(this, host, port, options, handler);
    }

    /**
     * A TCP server whose connections are TLS server sessions ({@link io.juv.net.TlsStream#listen}).
     *
     * @param host    the address to listen on: an IPv4 or IPv6 literal, or "localhost"
     * @param port    the port; 0 lets the system choose one
     * @param options the TLS configuration, with the server's certificate
     * @param handler what every session's events go to, on the loop's thread
     * @return the listening server
     */
    public TcpServer listenTls(String host, int port, io.juv.net.TlsOptions options,
                               StreamHandler<? super io.juv.net.TlsStream> handler) {
        return io.juv.net.TlsStream.listen(this, host, port, options, handler);
    }

    // ------------------------------------------------------------------ pipes (io.juv.net)

    /**
     * A pipe server (a Unix domain socket; a named pipe on Windows) at {@code name}, a path or on
     * Linux an abstract name starting with {@code '\0'} ({@link PipeServer#listen}), with a
     * backlog of {@link PipeServer#DEFAULT_BACKLOG}.
     *
     * @param name    where to listen
     * @param handler what every accepted connection's events go to, on the loop's thread
     * @return the listening server
     * @throws UvException if the name cannot be bound ({@link ErrorKind#ADDRESS_IN_USE} ...)
     */
    public PipeServer listenPipe(String name, StreamHandler<? super Pipe> handler) {
        return PipeServer.listen(this, name, handler);
    }

    /**
     * Connects to the pipe server at {@code name} ({@link Pipe#connect}).
     *
     * @param name    the server's path, or abstract name
     * @param handler what the pipe's events go to, on the loop's thread
     * @return the future of the open pipe
     */
    public CompletableFuture<Pipe> connectPipe(String name, StreamHandler<? super Pipe> handler) {
        return Pipe.connect(this, name, handler);
    }

    // ------------------------------------------------------------------ processes

    /**
     * Spawns a child process ({@link io.juv.process.Process#spawn}).
     *
     * @param options the program, its arguments, environment and stdio
     * @param onExit  what to call when it exits, on the loop's thread; may be null
     * @return the running process; its stdio pipes are open
     * @throws UvException if it could not be started ({@link ErrorKind#NOT_FOUND}, {@link ErrorKind#PERMISSION_DENIED} ...)
     */
    public io.juv.process.Process spawn(io.juv.process.ProcessOptions options, io.juv.process.ExitHandler onExit) {
        return io.juv.process.Process.spawn(this, options, onExit);
    }

    /**
     * Spawns a child process; its end is in {@link io.juv.process.Process#exited()}.
     *
     * @param options the program, its arguments, environment and stdio
     * @return the running process; its stdio pipes are open
     * @throws UvException if it could not be started
     */
    public io.juv.process.Process spawn(io.juv.process.ProcessOptions options) {
        return io.juv.process.Process.spawn(this, options, null);
    }

    // ------------------------------------------------------------------ signals

    /**
     * Calls {@code handler} on the loop each time the process receives {@code signal}. See
     * {@link Signal} for what this means for the signals the JVM uses itself. Several handlers may
     * watch one signal; each is called.
     *
     * @param signal  the signal to handle
     * @param handler what to call, on the loop's thread, with the signal
     * @return the handler's handle; {@link SignalHandler#close()} frees it
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

    /**
     * Frees this loop's handlers for {@code signal} (cl-async's {@code free-signal-handler}).
     *
     * @param signal the signal whose handlers to free
     */
    public void freeSignal(Signal signal) {
        for (HandleBase h : core.handles()) {
            if (h instanceof SignalHandler s && s.signal() == signal) s.close();
        }
    }

    /** Frees every signal handler of this loop (cl-async's {@code clear-signal-handlers}). Safe when there is none. */
    public void clearSignals() {
        for (HandleBase h : core.handles()) {
            if (h instanceof SignalHandler s) s.close();
        }
    }

    // ------------------------------------------------------------------ loop hooks, notifiers, work, polling

    /**
     * Runs {@code callback} once per iteration before the prepare hooks; while it is started the
     * loop never sleeps ({@link LoopHook}).
     *
     * @param callback what to run, on the loop's thread
     * @return the hook, started; {@link LoopHook#stop()} pauses it, {@link LoopHook#close()} frees it
     */
    public LoopHook onIdle(Runnable callback) {
        return new LoopHook(core, LoopHook.Phase.IDLE, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Runs {@code callback} once per iteration just before the loop polls for I/O ({@link LoopHook}).
     *
     * @param callback what to run, on the loop's thread
     * @return the hook, started
     */
    public LoopHook onPrepare(Runnable callback) {
        return new LoopHook(core, LoopHook.Phase.PREPARE, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Runs {@code callback} once per iteration just after the loop polled for I/O ({@link LoopHook}).
     *
     * @param callback what to run, on the loop's thread
     * @return the hook, started
     */
    public LoopHook onCheck(Runnable callback) {
        return new LoopHook(core, LoopHook.Phase.CHECK, Objects.requireNonNull(callback, "callback"));
    }

    /**
     * A notifier any thread can trigger to run {@code callback} on the loop, again and again
     * ({@link Notifier}). It keeps the loop alive until it is closed.
     *
     * @param callback what to run, on the loop's thread, after triggers
     * @return the notifier
     */
    public Notifier notifier(Runnable callback) {
        return new Notifier(core, Objects.requireNonNull(callback, "callback"), false);
    }

    /**
     * A notifier that runs {@code callback} once, at the first trigger, and closes itself
     * ({@link Notifier}).
     *
     * @param callback what to run, on the loop's thread, after the trigger
     * @return the notifier
     */
    public Notifier notifierOnce(Runnable callback) {
        return new Notifier(core, Objects.requireNonNull(callback, "callback"), true);
    }

    /**
     * Runs a blocking job on juv's work pool; its future completes on the loop ({@link Work}).
     *
     * {@snippet :
     * loop.work(() -> Files.readString(path))          // on a worker thread
     *     .future()
     *     .thenAccept(text -> socket.write(text));     // back on the loop's thread
     * }
     *
     * @param <T> the job's result type
     * @param job what to run on a worker thread; may block
     * @return the job, in flight; {@link Work#future()} completes with its result
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Work<T> work(java.util.concurrent.Callable<? extends T> job) {
        return Work.submit(core, job, null, null);
    }

    /**
     * Runs a blocking job on juv's work pool, then {@code done} on the loop ({@link Work}).
     *
     * @param <T>  the job's result type
     * @param job  what to run on a worker thread; may block
     * @param done what to call with the result or the error, on the loop's thread
     * @return the job, in flight
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Work<T> work(java.util.concurrent.Callable<? extends T> job, WorkCallback<? super T> done) {
        return Work.submit(core, job, null, Objects.requireNonNull(done, "done"));
    }

    /**
     * Runs a blocking job on {@code executor} (virtual threads, say), then {@code done} on the loop
     * ({@link Work}).
     *
     * @param <T>      the job's result type
     * @param job      what to run on the executor; may block
     * @param executor where to run it
     * @param done     what to call with the result or the error, on the loop's thread; may be null
     *                 (the {@link Work#future()} tells it too)
     * @return the job, in flight
     * @throws IllegalStateException if the loop is closed
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the job
     */
    public <T> Work<T> work(java.util.concurrent.Callable<? extends T> job, Executor executor, WorkCallback<? super T> done) {
        return Work.submit(core, job, Objects.requireNonNull(executor, "executor"), done);
    }

    /**
     * Watches a file descriptor or socket for readiness ({@link Poller#open}).
     *
     * @param fd       the descriptor; the poller watches a duplicate of its own
     * @param interest what to wait for; empty makes the poller stopped
     * @param handler  what readiness and errors go to, on the loop's thread
     * @return the poller, started unless {@code interest} is empty
     * @throws IllegalArgumentException if {@code fd} is not an open descriptor
     * @throws UvException if libuv cannot poll it (EPERM for a regular file, say)
     */
    public Poller poll(int fd, java.util.Set<PollEvent> interest, PollHandler handler) {
        return Poller.open(this, fd, interest, handler);
    }

    /**
     * Watches a file or directory for changes ({@link io.juv.fs.FileWatcher#watch}, not recursive).
     *
     * @param path    what to watch
     * @param handler what changes and errors go to, on the loop's thread
     * @return the watcher, started
     * @throws UvException if it cannot be watched ({@link ErrorKind#NOT_FOUND} when it does not exist, say)
     */
    public io.juv.fs.FileWatcher watch(java.nio.file.Path path, io.juv.fs.FileWatchHandler handler) {
        return io.juv.fs.FileWatcher.watch(this, path, false, handler);
    }

    /**
     * Polls a path's status every {@code interval} ({@link io.juv.fs.StatPoller#start}): for what a
     * watcher cannot see, such as files on network file systems, or a path that does not exist yet.
     *
     * @param path     what to poll
     * @param interval how often
     * @param handler  what changes go to, on the loop's thread
     * @return the poller, started
     */
    public io.juv.fs.StatPoller pollStat(java.nio.file.Path path, Duration interval, io.juv.fs.StatPollHandler handler) {
        return io.juv.fs.StatPoller.start(this, path, interval, handler);
    }

    // ------------------------------------------------------------------ stats

    /**
     * {@return the loop's counters now (cl-async's {@code stats})} Cheap: plain fields read on the
     * loop thread. A closed loop's last counters may be read from any thread.
     */
    public LoopStats stats() {
        if (!core.isClosed()) core.checkThread();
        return core.stats();
    }

    /**
     * {@return the loaded libuv's version, such as "1.44.2"} Loads libuv if it is not yet loaded;
     * safe from any thread.
     */
    public static String libuvVersion() {
        LibUv.load();
        return LibUv.versionString();
    }
}
