package io.juv.net;

import io.juv.EventLoop;
import io.juv.StreamHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One TCP port served by several event loops, each on a thread of its own: a loop is one thread,
 * so this is how a juv server uses more than one core in one process (as Netty's worker group
 * does, and Node's cluster with processes).
 *
 * <pre>{@code
 * try (TcpServerGroup group = TcpServerGroup.start(2, "0.0.0.0", 8080, ListenOptions.DEFAULT,
 *         loop -> (socket, data) -> socket.write(data))) { // an echo server on two loops
 *     ...
 * }
 * }</pre>
 *
 * <p>Each loop gets a handler of its own from {@code handlerPerLoop}, called on that loop's
 * thread, so per-loop state (counters, caches) needs no locks; a handler's connections are all on
 * its loop. Everything a loop does happens on its thread: other threads reach a loop with
 * {@link #loop(int)}{@code .execute}, or all of them with {@link #onEachLoop}.
 *
 * <p><b>Errors.</b> Each loop keeps juv's error policy: by default an exception from a callback
 * stops its loop, and a loop that fails ends the whole group (every other loop is stopped);
 * {@link #close()} rethrows the failure. A handler factory that calls
 * {@code loop.catchErrors(...)} keeps its loop running instead.
 *
 * <p>How the loops share the port is a {@link Sharing}.
 *
 * <p>The group's own methods are safe from any thread; the loops and everything on them are not
 * (see above). After {@link #close()}, {@link #port()} and {@link #loops()} still answer,
 * {@link #onEachLoop} and {@link #acceptedCounts()} give the loops' final state or fail with
 * {@link RejectedExecutionException}, and a second close does nothing.
 */
public final class TcpServerGroup implements AutoCloseable {

    /** How the loops of a group share one port. */
    public enum Sharing {
        /**
         * Every loop listens on the port itself with SO_REUSEPORT, and the kernel spreads the
         * connections over the loops (on Linux by a hash of each connection's addresses, so the
         * spread is even over many connections, not over a few). No loop waits on another. Other
         * processes of the same user may listen on the port with {@link ListenOptions#reusePort}
         * too, and take their share. Where SO_REUSEPORT does not balance (macOS, Windows) the
         * group cannot start: {@link UnsupportedOperationException}.
         */
        REUSE_PORT,
        /**
         * Loop 0 accepts every connection and hands them round robin to the loops (itself
         * included) over IPC pipes, with libuv's uv_write2 (Node's cluster): for where
         * SO_REUSEPORT does not balance. Loop 0's accepting is the limit this mode can go to.
         */
        HAND_OFF;

        /** {@return REUSE_PORT where the kernel balances it (Linux), else HAND_OFF} */
        public static Sharing best() {
            return io.juv.internal.Platform.OS == io.juv.internal.Platform.Os.LINUX ? REUSE_PORT : HAND_OFF;
        }
    }

    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final PortSharing sharing;
    private final String host;
    private final ListenOptions options;
    private final Function<? super EventLoop, ? extends StreamHandler<? super TcpSocket>> handlerPerLoop;
    private final Worker[] workers;
    private final String name;
    /** Loops not yet ended, plus one held by {@link #launch} until every loop was started. */
    private final AtomicInteger running;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile int port;
    private volatile boolean stopping;
    private final Object failureLock = new Object();
    private Throwable failure;
    private boolean failureReported;

    private TcpServerGroup(Sharing sharing, int loops, String host, ListenOptions options,
                           Function<? super EventLoop, ? extends StreamHandler<? super TcpSocket>> handlerPerLoop) {
        this.sharing = PortSharing.of(sharing, loops);
        this.host = host;
        this.options = options;
        this.handlerPerLoop = handlerPerLoop;
        this.workers = new Worker[loops];
        this.name = "juv-group-" + GROUPS.incrementAndGet();
        this.running = new AtomicInteger(loops + 1);
    }

    /**
     * {@link #start(Sharing, int, String, int, ListenOptions, Function)} with {@link Sharing#REUSE_PORT}.
     *
     * @param loops          how many loops, at least one
     * @param host           the address to listen on (an IP literal, or "localhost")
     * @param port           the port, 0 to 65535 (0: one the system chooses)
     * @param options        how each loop listens
     * @param handlerPerLoop makes each loop's handler, on that loop's thread
     * @return the group, every loop listening
     * @throws IllegalArgumentException      for fewer than one loop, a bad port or host
     * @throws io.juv.UvException            when a loop cannot listen (ADDRESS_IN_USE, say)
     * @throws UnsupportedOperationException where SO_REUSEPORT does not balance (macOS, Windows)
     */
    public static TcpServerGroup start(int loops, String host, int port, ListenOptions options,
                                       Function<? super EventLoop, ? extends StreamHandler<? super TcpSocket>> handlerPerLoop) {
        return start(Sharing.REUSE_PORT, loops, host, port, options, handlerPerLoop);
    }

    /**
     * Starts {@code loops} loops, each on a new thread, each serving {@code host:port} (port 0:
     * one the system chooses for the first loop, {@link #port()} tells which) with the handler
     * {@code handlerPerLoop} gives it on its own thread. Returns once every loop is listening.
     * When one cannot, every loop started is ended first, then what stopped it is thrown here:
     * what {@code handlerPerLoop} threw, or one of these. It waits for the loops to listen, so
     * call it from a thread that may block (not a loop's).
     *
     * @param sharing        how the loops share the port
     * @param loops          how many loops, at least one
     * @param host           the address to listen on (an IP literal, or "localhost")
     * @param port           the port, 0 to 65535 (0: one the system chooses)
     * @param options        how each loop listens
     * @param handlerPerLoop makes each loop's handler, on that loop's thread
     * @return the group, every loop listening
     * @throws IllegalArgumentException      for fewer than one loop, a bad port or host
     * @throws io.juv.UvException            when a loop cannot listen (ADDRESS_IN_USE, say)
     * @throws UnsupportedOperationException where the sharing is not available
     */
    public static TcpServerGroup start(Sharing sharing, int loops, String host, int port, ListenOptions options,
                                       Function<? super EventLoop, ? extends StreamHandler<? super TcpSocket>> handlerPerLoop) {
        Objects.requireNonNull(sharing, "sharing");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handlerPerLoop, "handlerPerLoop");
        if (loops < 1) throw new IllegalArgumentException("a group needs at least one loop: " + loops);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        TcpServerGroup group = new TcpServerGroup(sharing, loops, host, options, handlerPerLoop);
        group.launch(port);
        return group;
    }

    /** Loop 0 first, for the port it gets; then the others at once. */
    private void launch(int askedPort) {
        Throwable startFailure = null;
        try {
            port = startWorker(0, askedPort).listening.join();
            for (int i = 1; i < workers.length; i++) startWorker(i, port);
        } catch (CompletionException e) {
            startFailure = e.getCause();
        } catch (RuntimeException | Error e) {
            startFailure = e; // a thread that could not start, or a loop that ended before it listened
        }
        for (Worker w : workers) {
            if (w == null) ended(); // never started: its share of the count
            else if (w.index > 0) {
                try {
                    w.listening.join();
                } catch (CompletionException | CancellationException e) {
                    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                    if (startFailure == null) startFailure = cause;
                    else if (!(cause instanceof CancellationException) && cause != startFailure) startFailure.addSuppressed(cause);
                }
            }
        }
        ended(); // launch's own share: terminated cannot complete while loops are still being started
        if (startFailure == null) return;
        stopAll();
        joinThreads();
        synchronized (failureLock) {
            // A loop that was stopped because another failed says only "cancelled": the failure is the story.
            if (startFailure instanceof CancellationException && failure != null) startFailure = failure;
            else if (failure != null && failure != startFailure) startFailure.addSuppressed(failure);
            failureReported = true;
        }
        throw unchecked(startFailure);
    }

    private Worker startWorker(int index, int port) {
        Worker w = new Worker(index, port);
        w.thread.start(); // if this throws, the worker is not in the array: launch counts it as ended
        workers[index] = w;
        return w;
    }

    // ------------------------------------------------------------------ what it serves

    /** {@return the port every loop serves: the one the system chose, if the group was started on port 0} */
    public int port() {
        return port;
    }

    /** {@return how many loops the group has} */
    public int loops() {
        return workers.length;
    }

    /**
     * {@return loop {@code index}, for {@code execute}} Like every loop, it is used from its own
     * thread only; after the group ended it is closed and refuses tasks.
     *
     * @param index 0 to {@code loops() - 1}
     * @throws IndexOutOfBoundsException for another index
     */
    public EventLoop loop(int index) {
        Objects.checkIndex(index, workers.length);
        return workers[index].loop;
    }

    /**
     * Runs {@code task} on every loop, each on its own thread, and completes with their answers in
     * loop order; exceptionally if a task threw, or a loop had already ended
     * ({@link RejectedExecutionException}). Never blocks; safe from any thread, a loop's included.
     *
     * @param <T>  the type of the answers
     * @param task runs once on each loop, on its thread
     * @return a future of the answers, in loop order
     */
    public <T> CompletableFuture<List<T>> onEachLoop(Function<? super EventLoop, ? extends T> task) {
        Objects.requireNonNull(task, "task");
        List<CompletableFuture<T>> each = new ArrayList<>(workers.length);
        for (Worker w : workers) each.add(w.ask(task));
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
    }

    /**
     * How many connections each loop has accepted, in loop order: asked of each loop on its own
     * thread (the counts are its plain fields); for a loop that has ended, its final count.
     * Safe from any thread.
     *
     * @return a future of the counts, in loop order
     */
    public CompletableFuture<long[]> acceptedCounts() {
        List<CompletableFuture<Long>> each = new ArrayList<>(workers.length);
        for (Worker w : workers) {
            each.add(w.ask(l -> w.member.accepted()).exceptionally(e -> w.finalAccepted));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().mapToLong(CompletableFuture::join).toArray());
    }

    /**
     * Completes once every loop has ended and been closed: after {@link #close()}, after a loop's
     * failure ended the group (exceptionally, with that failure), or when every loop ran out of
     * work by itself.
     *
     * @return a new future each call (completing it does not touch the group's own)
     */
    public CompletableFuture<Void> terminated() {
        return terminated.copy();
    }

    // ------------------------------------------------------------------ ending

    /**
     * Ends the group: every loop is asked, on its own thread, to close its server and connections
     * ({@link EventLoop#exit()}), then this waits for every loop's thread to finish and rethrows
     * the first failure of a loop (once). Called on one of the group's own loops, it asks and
     * returns at once, as a loop cannot wait for itself. Safe to call more than once.
     */
    @Override
    public void close() {
        stopAll();
        for (Worker w : workers) {
            if (w != null && Thread.currentThread() == w.thread) return;
        }
        joinThreads();
        Throwable f;
        synchronized (failureLock) {
            f = failureReported ? null : failure;
            failureReported = true;
        }
        if (f != null) throw unchecked(f);
    }

    private void stopAll() {
        stopping = true;
        for (Worker w : workers) {
            if (w != null) w.stop();
        }
    }

    private void joinThreads() {
        boolean interrupted = false;
        for (Worker w : workers) {
            if (w == null) continue;
            while (true) {
                try {
                    w.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the loops are ending already; waiting for them is what close promises
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void failed(Throwable t) {
        synchronized (failureLock) {
            if (failure == null) failure = t;
            else if (failure != t) failure.addSuppressed(t);
        }
        stopAll();
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new CompletionException(t);
    }

    @Override
    public String toString() {
        return "TcpServerGroup[" + host + ":" + port + ", " + workers.length + " loops" + (stopping ? ", stopping" : "") + "]";
    }

    // ------------------------------------------------------------------ one loop and its thread

    private final class Worker implements Runnable {
        final int index;
        final int askedPort;
        final Thread thread;
        final CompletableFuture<Integer> listening = new CompletableFuture<>();
        /** Set on the worker's thread before {@link #listening} completes. */
        volatile EventLoop loop;
        volatile PortSharing.Member member;
        volatile long finalAccepted;

        Worker(int index, int askedPort) {
            this.index = index;
            this.askedPort = askedPort;
            this.thread = Thread.ofPlatform().name(name + "-loop-" + index).unstarted(this);
        }

        @Override
        public void run() {
            EventLoop l = null;
            try {
                l = EventLoop.create();
                loop = l;
                l.run(this::join);
            } catch (Throwable t) {
                listening.completeExceptionally(t); // when it never listened, this is why
                failed(t);
            } finally {
                if (member != null) finalAccepted = member.accepted();
                try {
                    if (l != null) l.close();
                } catch (Throwable t) {
                    failed(t);
                }
                listening.completeExceptionally(new CancellationException(name + ": loop " + index + " ended before it listened"));
                ended();
            }
        }

        /** The loop's first callback: its handler, then its share of the port. */
        private void join(EventLoop l) {
            try {
                if (stopping) throw new CancellationException(name + " is stopping");
                StreamHandler<? super TcpSocket> handler = Objects.requireNonNull(handlerPerLoop.apply(l),
                        "handlerPerLoop gave no handler for loop " + index);
                member = sharing.join(l, index, host, askedPort, options, handler);
                listening.complete(member.port());
                // stopAll may have looked for this loop before it existed: it sets stopping first.
                if (stopping) l.exit();
            } catch (Throwable t) {
                listening.completeExceptionally(t);
                l.exit(); // whatever the handler factory opened
            }
        }

        void stop() {
            EventLoop l = loop;
            if (l == null) return; // not made yet: it sees stopping when it starts
            try {
                l.execute(l::exit);
            } catch (RejectedExecutionException ended) {
                // closed already
            }
        }

        <T> CompletableFuture<T> ask(Function<? super EventLoop, ? extends T> task) {
            CompletableFuture<T> answer = new CompletableFuture<>();
            EventLoop l = loop;
            try {
                l.execute(() -> {
                    try {
                        answer.complete(task.apply(l));
                    } catch (Throwable t) {
                        answer.completeExceptionally(t);
                    }
                });
            } catch (RejectedExecutionException e) {
                answer.completeExceptionally(e);
            }
            return answer;
        }
    }

    private void ended() {
        if (running.decrementAndGet() != 0) return;
        Throwable f;
        synchronized (failureLock) {
            f = failure;
        }
        if (f == null) terminated.complete(null);
        else terminated.completeExceptionally(f);
    }
}
