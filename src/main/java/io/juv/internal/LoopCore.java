package io.juv.internal;

import io.juv.HandleKind;
import io.juv.LoopStats;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;


/**
 * One libuv loop and everything juv keeps beside it: the table of live handles and requests
 * that libuv's data slots point into, the native-memory account, the counters behind
 * {@link LoopStats}, the error policy, the cross-thread task queue, and the shared read and
 * write buffers. Used from the loop's own thread only, except {@link #execute}.
 */
public final class LoopCore {

    static { LibUv.load(); }

    static LoopCore ofKey(long key) {
        return HandleTable.loopOf(key);
    }

    /**
     * How the capability packages (io.juv.net, ...) reach the core of an {@link io.juv.EventLoop}
     * without a public accessor on it: EventLoop hands this over from its class initialiser.
     */
    private static volatile java.util.function.Function<io.juv.EventLoop, LoopCore> cores;

    public static void coresOf(java.util.function.Function<io.juv.EventLoop, LoopCore> f) {
        if (cores != null) throw new IllegalStateException("juv: set once, by EventLoop");
        cores = f;
    }

    /** The core of a loop. The caller holds an EventLoop, so EventLoop's initialiser has run. */
    public static LoopCore of(io.juv.EventLoop loop) {
        return cores.apply(java.util.Objects.requireNonNull(loop, "loop"));
    }

    // ------------------------------------------------------------------ sizes, from libuv itself

    private static final long[] HANDLE_SIZE = new long[HandleKind.values().length];
    static {
        for (HandleKind k : HandleKind.values()) if (uvType(k) >= 0) HANDLE_SIZE[k.ordinal()] = Uv.handleSize(uvType(k));
    }

    static int uvType(HandleKind kind) {
        return switch (kind) {
            case TIMER -> Uv.TIMER;
            case TCP -> Uv.TCP;
            case SIGNAL -> Uv.SIGNAL;
            case ASYNC -> Uv.ASYNC;
            case CHECK -> Uv.CHECK;
            case PREPARE -> Uv.PREPARE;
            case PIPE -> Uv.NAMED_PIPE;
            case UDP -> Uv.UDP;
            case PROCESS -> Uv.PROCESS;
            case TTY -> Uv.TTY;
            case IDLE -> Uv.IDLE;
            case POLL -> Uv.POLL;
            case FS_EVENT -> Uv.FS_EVENT;
            case FS_POLL -> Uv.FS_POLL;
            case TLS -> -1; // layered: no libuv handle
        };
    }

    static long handleSize(HandleKind kind) {
        return HANDLE_SIZE[kind.ordinal()];
    }

    /** Bytes libuv may read into at once, and juv may try-write from its scratch buffer at once. */
    public static final int IO_BUFFER_SIZE = IoBuffers.SIZE;

    // ------------------------------------------------------------------ state

    /** The uv_loop_t's address. */
    public final long loop;
    private final long loopSize;
    private final Thread owner;
    private final int index;

    private final HandleTable table;
    /** How this loop finds handles the program lost ({@link LeakDetector}): juv.leakDetection when it was made. */
    final LeakDetector.Level leakLevel;

    private long nativeBytes;
    private final int[] handleCounts = new int[HandleKind.values().length];
    private int pendingRequests;
    public long incomingTcp;
    public long outgoingTcp;

    private final IoBuffers buffers;
    /** The loop's timers, behind one uv_timer_t; made with the first timer. */
    private TimerQueue timers;
    /** Where libuv reads into, for the alloc callback. */
    final long readBuffer;

    private Consumer<Throwable> errorHandler;
    private Throwable failure;
    private boolean running;
    private boolean inUvRun;
    private boolean draining;
    private boolean closed;
    private final List<Runnable> exitHooks = new ArrayList<>();

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Object wakeLock = new Object();
    private boolean rejecting;
    private final Wakeup wakeup;
    private final LoopMetrics metrics;
    /** The public loop this is the core of, for the futures juv hands out. */
    private final io.juv.EventLoop api;

    /**
     * A loop owned by the calling thread, configured before anything else touches it.
     *
     * @param blockSignal the signal number the loop waits with blocked (UV_LOOP_BLOCK_SIGNAL), or 0
     */
    public LoopCore(io.juv.EventLoop api, boolean idleTime, int blockSignal) {
        this.api = api;
        leakLevel = LeakDetector.level();
        owner = Thread.currentThread();
        loopSize = Uv.loopSize();
        loop = NativeMemory.malloc(loopSize);
        int rc = Uv.loopInit(loop);
        if (rc < 0) {
            NativeMemory.free(loop);
            throw Errors.of(rc);
        }
        if (blockSignal != 0 && (rc = Uv.loopConfigureBlockSignal(loop, blockSignal)) < 0) {
            Uv.loopClose(loop); // nothing was started on it yet
            NativeMemory.free(loop);
            throw Errors.of(rc, "blocking signal " + blockSignal + " in the loop (libuv takes only SIGPROF)");
        }
        nativeBytes += loopSize;
        index = HandleTable.addLoop(this);
        table = new HandleTable(index);
        buffers = new IoBuffers();
        nativeBytes += IoBuffers.BYTES;
        readBuffer = buffers.readAddress;
        wakeup = new Wakeup(this);
        metrics = new LoopMetrics(this, idleTime);
        if (leakLevel != LeakDetector.Level.DISABLED) LeakDetector.sweepAfterGcs(this, leakLevel == LeakDetector.Level.PARANOID);
    }

    /** An incomplete future of this loop: its dependent stages run on the loop thread ({@link io.juv.LoopFuture}). */
    public <T> io.juv.LoopFuture<T> newFuture() {
        return new io.juv.LoopFuture<>(api);
    }

    // ------------------------------------------------------------------ threads

    public boolean inLoopThread() {
        return Thread.currentThread() == owner;
    }

    /** Fails fast: libuv is not thread-safe, and a call from another thread would corrupt it. */
    public void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("juv: this event loop belongs to thread '" + owner.getName()
                    + "'; use execute(Runnable) from '" + Thread.currentThread().getName() + "'");
        }
    }

    public void checkOpen() {
        if (closed) throw new IllegalStateException("juv: the event loop is closed");
    }

    // ------------------------------------------------------------------ the table behind data slots

    int register(Object o) {
        return table.register(o);
    }

    /** A slot is reused only after this, which happens in the close or completion callback. */
    void unregister(int slot) {
        table.unregister(slot);
    }

    Object lookup(long key) {
        return table.lookup(key);
    }

    long keyOf(int slot) {
        return table.keyOf(slot);
    }

    Object entry(int slot) {
        return table.at(slot);
    }

    void setEntry(int slot, Object o) {
        table.set(slot, o);
    }

    /**
     * After a garbage collection: the table lets go of every handle libuv cannot call back, so
     * that the next collection can take those the program dropped ({@link LeakDetector}). At most
     * one a second (every collection in paranoid mode): its cost grows with the table.
     */
    void sweepForLost() {
        if (closed) return;
        for (int i = 0; i < table.extent(); i++) {
            if (table.at(i) instanceof HandleBase h && h.canBeLost()) h.holdWeakly();
        }
    }

    /** The handle a slot stands for, whether the table holds it or only a weak reference to it; null for none. */
    private HandleBase handleAt(int slot) {
        Object o = table.at(slot);
        if (o instanceof HandleBase h) return h;
        return o instanceof LeakDetector.Lost l ? l.get() : null;
    }

    /** Live entries in the table (handles and requests Java still maps a key to): for leak gates. */
    public int tableEntries() {
        return table.live();
    }

    // ------------------------------------------------------------------ accounting

    long allocate(long size) {
        long m = NativeMemory.malloc(size);
        nativeBytes += size;
        return m;
    }

    /** Counts memory allocated elsewhere (an arena of a handle's own); negative when it is freed. */
    void countNative(long size) {
        nativeBytes += size;
    }

    void free(long address, long size) {
        nativeBytes -= size;
        NativeMemory.free(address);
    }

    void handleOpened(HandleKind kind, boolean internal) {
        if (!internal) handleCounts[kind.ordinal()]++;
    }

    void handleClosed(HandleKind kind, boolean internal) {
        if (!internal) handleCounts[kind.ordinal()]--;
    }

    void requestStarted() {
        pendingRequests++;
    }

    void requestFinished() {
        pendingRequests--;
    }

    public LoopStats stats() {
        Map<HandleKind, Integer> handles = new EnumMap<>(HandleKind.class);
        for (HandleKind k : HandleKind.values()) {
            if (handleCounts[k.ordinal()] != 0) handles.put(k, handleCounts[k.ordinal()]);
        }
        LoopMetrics.Figures m = metrics.read();
        return new LoopStats(incomingTcp, outgoingTcp, Map.copyOf(handles), pendingRequests, nativeBytes,
                m.iterations(), Duration.ofNanos(m.idleNanos()), counted(m.events()), counted(m.eventsWaiting()));
    }

    private static OptionalLong counted(long n) {
        return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }

    // ------------------------------------------------------------------ read and write buffers

    /** The read buffer holding the n bytes just read: read-only, valid until the callback returns. */
    public ByteBuffer readView(int n) {
        return buffers.readView(n);
    }

    /** Tries to send a datagram at once (see {@link IoBuffers#trySend}): 0 sent, 1 would block, or a negative code. */
    public int trySend(long udp, MemorySegment bytes, long addr) {
        return buffers.trySend(udp, bytes, addr);
    }

    /** The loop's scratch sockaddr, where a datagram's destination is written for the one call that takes it. */
    public long sockaddrScratch() {
        return buffers.sockaddr;
    }

    /** Tries to write n bytes from offset at once (see {@link IoBuffers#tryWrite}): the count taken, 0, or a negative code. */
    public int tryWrite(long stream, MemorySegment bytes, long offset, long n) {
        return buffers.tryWrite(stream, bytes, offset, n);
    }

    /** True if the buffer is this loop's read view: what a stream may write from {@link #readSegment} without a segment of its own. */
    public boolean isReadView(ByteBuffer b) {
        return buffers.isReadView(b);
    }

    /** The whole read buffer, for writing a read view back; never handed to user code. */
    public MemorySegment readSegment() {
        return buffers.readSegment;
    }

    // ------------------------------------------------------------------ errors

    /** With a handler, errors from callbacks go to it and the loop runs on; without one, the loop stops. */
    public void errorHandler(Consumer<Throwable> handler) {
        this.errorHandler = handler;
    }

    /**
     * Where every throwable from a callback ends: never in libuv, never lost. The handler gets
     * exceptions and Errors alike (an AssertionError; a StackOverflowError, which has unwound to
     * the stub by the time it is caught here, so the handler runs on a stack as deep as the
     * callback's was), but not a VirtualMachineError of another kind (OutOfMemoryError,
     * InternalError): the JVM may be unable to go on, so that one stops the loop as if no handler
     * were set and {@link #run} rethrows it once every handle is closed.
     */
    public void handleError(Throwable t) {
        Consumer<Throwable> handler = errorHandler;
        if (handler != null && !(t instanceof VirtualMachineError && !(t instanceof StackOverflowError))) {
            try {
                handler.accept(t);
                return;
            } catch (Throwable inHandler) {
                inHandler.addSuppressed(t);
                t = inHandler;
            }
        }
        if (failure == null) {
            failure = t;
            // Outside uv_run a stop would linger in libuv and end the next run before it starts.
            if (inUvRun && !draining) Uv.stop(loop);
        } else if (failure != t) {
            failure.addSuppressed(t);
        }
    }

    /** Runs a piece of user code on the loop thread under the error policy. */
    public void guard(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            handleError(t);
        }
    }

    // ------------------------------------------------------------------ running

    public boolean isRunning() {
        return running;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Runs the start callback, then the loop until no referenced handle or request is left.
     * Without an error handler, the first exception from a callback closes every handle and is
     * rethrown here.
     */
    public void run(Runnable start) {
        run(start, Uv.RUN_DEFAULT);
    }

    /**
     * Runs the start callback, then libuv in one of its modes: RUN_DEFAULT until nothing is left,
     * RUN_ONCE for one iteration (waiting for events if there are none yet), RUN_NOWAIT for one
     * iteration that never waits. Returns whether work remains (referenced handles or requests, or
     * tasks from {@link #execute}); the exit hooks run once none does, or after a failure.
     */
    public boolean run(Runnable start, int mode) {
        checkThread();
        checkOpen();
        if (running) throw new IllegalStateException("juv: the event loop is already running");
        running = true;
        try {
            // libuv's cached time is from the last run (or the loop's creation): delays asked for
            // in the start callback must count from now.
            Uv.updateTime(loop);
            if (start != null) guard(start);
            boolean more = false;
            if (failure == null) {
                if (mode == Uv.RUN_DEFAULT) runUntilDone();
                else more = runStep(mode);
            }
            if (more && failure == null) return true;
            for (Runnable hook : exitHooks) guard(hook);
            exitHooks.clear();
            Throwable f = failure;
            if (f != null) {
                failure = null;
                exit();
                drainCloses();
                if (failure != null && failure != f) f.addSuppressed(failure);
                failure = null;
                throw unchecked(f);
            }
            return false;
        } finally {
            running = false;
        }
    }

    /** One libuv iteration, then the tasks it left (a task queued from the loop thread waits for the wakeup otherwise). */
    private boolean runStep(int mode) {
        inUvRun = true;
        try {
            Uv.run(loop, mode);
        } finally {
            inUvRun = false;
        }
        if (failure != null) return false;
        runTasks();
        if (failure != null) return false;
        return Uv.loopAlive(loop) || !tasks.isEmpty();
    }

    private void runUntilDone() {
        while (true) {
            runLibuv();
            if (failure != null) return;
            // Tasks can arrive after libuv saw nothing left to do (the wakeup handle is unreferenced).
            boolean ran = runTasks();
            if (failure != null) return;
            if (!ran && !Uv.loopAlive(loop)) return;
        }
    }

    private void runLibuv() {
        inUvRun = true;
        try {
            Uv.run(loop);
        } finally {
            inUvRun = false;
        }
    }

    /** Lets every close callback run after a failure or before closing; errors meanwhile are kept, not obeyed. */
    private void drainCloses() {
        draining = true;
        try {
            do {
                runLibuv();
            } while (Uv.loopAlive(loop));
        } finally {
            draining = false;
        }
    }

    public void onExit(Runnable hook) {
        checkThread();
        exitHooks.add(hook);
    }

    /**
     * What {@link #exit} stops besides libuv's handles: jobs handed to a worker that have not
     * started (each keeps the loop alive until it completes, and one whose executor never runs it
     * would keep an exited loop running for ever), and TLS clients whose transport has not opened.
     */
    private final Set<Runnable> stoppedByExit = new LinkedHashSet<>();

    /** Has {@link #exit} run {@code stop}, until {@link #exitStopNotNeeded} takes it back. Loop thread only. */
    public void stopOnExit(Runnable stop) {
        checkThread();
        stoppedByExit.add(stop);
    }

    public void exitStopNotNeeded(Runnable stop) {
        stoppedByExit.remove(stop);
    }

    /** Ends the loop: stops what was asked to be stopped on exit, then closes every handle ({@link #closeAll}). */
    public void exit() {
        checkThread();
        for (Runnable stop : List.copyOf(stoppedByExit)) stop.run();
        closeAll();
    }

    /** Closes every open handle but juv's own: the loop then ends once their close callbacks ran. */
    public void closeAll() {
        checkThread();
        if (timers != null) timers.closeAll();
        for (HandleBase h : handles()) h.closeNow();
    }

    /** The loop's timer queue. */
    public TimerQueue timers() {
        if (timers == null) timers = new TimerQueue(this);
        return timers;
    }

    /**
     * The open handles of this loop, juv's own excepted: a snapshot, safe to close them while
     * iterating. A stream in a graceful close is among them (exit() cuts its flush or linger short).
     */
    public List<HandleBase> handles() {
        checkThread();
        List<HandleBase> open = new ArrayList<>();
        for (int i = 0; i < table.extent(); i++) {
            HandleBase h = handleAt(i);
            if (h != null && !h.isInternal() && h.nativeOpen()) open.add(h);
        }
        return open;
    }

    /** Closes the loop: every handle, then libuv's loop itself, which must report nothing left open. */
    public void close() {
        checkThread();
        if (closed) return;
        if (running) throw new IllegalStateException("juv: close() inside run(); use exit()");
        synchronized (wakeLock) {
            rejecting = true;
        }
        runTasks();
        closeAll();
        // Work in flight posts its completion to the loop: wait for it, so that no callback is lost
        // (what those callbacks open is closed below with the rest).
        while (keptAlive > 0) {
            runLibuv();
            runTasks();
        }
        // juv's own handles last: the loop's, and any a closed owner left (a stream's timer is closed with it).
        for (int i = 0; i < table.extent(); i++) {
            HandleBase h = handleAt(i);
            if (h != null) h.closeNow();
            else if (table.at(i) instanceof LeakDetector.Lost l) l.closeIfLost(); // lost, collected, its Cleaner not run yet
        }
        drainCloses();
        // libuv's own counts (1.45+) live in the uv_loop_t freed below; a closed loop's stats report them from here.
        metrics.freeze();
        closed = true;
        buffers.close();
        nativeBytes -= IoBuffers.BYTES;
        int rc = Uv.loopClose(loop);
        if (rc != 0) {
            // libuv still holds something; freeing its memory now would be a use-after-free.
            throw Errors.of(rc);
        }
        HandleTable.removeLoop(index);
        nativeBytes -= loopSize;
        NativeMemory.free(loop);
        Throwable f = failure;
        failure = null;
        if (f != null) throw unchecked(f);
    }

    private static RuntimeException unchecked(Throwable f) {
        if (f instanceof RuntimeException re) return re;
        if (f instanceof Error e) throw e;
        return new java.util.concurrent.CompletionException(f);
    }

    // ------------------------------------------------------------------ zero delays inside timer callbacks

    /**
     * libuv before 1.48 runs a zero-delay timer started inside a timer callback in the same pass
     * (libuv issue 4245): a chain of them would starve everything else. On those versions such a
     * start waits for the prepare phase, which runs before libuv computes its poll timeout, so the
     * timer fires at the top of the next iteration and the loop never blocks meanwhile.
     */
    private static final boolean ZERO_TIMERS_RUN_IN_SAME_PASS = Uv.version() < ((1 << 16) | (48 << 8));

    private int timerCallbacks;
    private final ArrayDeque<Runnable> atPrepare = new ArrayDeque<>();
    private PrepareHook prepareHook;

    public void enterTimerCallback() {
        timerCallbacks++;
    }

    public void exitTimerCallback() {
        timerCallbacks--;
    }

    /** True when a zero-delay timer started now would run before the loop's next iteration. */
    public boolean zeroTimerNeedsDeferring() {
        return ZERO_TIMERS_RUN_IN_SAME_PASS && timerCallbacks > 0;
    }

    /** Runs start in this iteration's prepare phase. */
    public void deferToPrepare(Runnable start) {
        if (prepareHook == null) prepareHook = new PrepareHook(this);
        if (atPrepare.isEmpty()) prepareHook.start();
        atPrepare.add(start);
    }

    private static final class PrepareHook extends HandleBase {
        PrepareHook(LoopCore core) {
            super(core, HandleKind.PREPARE, true, Uv::prepareInit);
            Uv.unref(handle);
        }

        void start() {
            Errors.check(Uv.prepareStart(handle, Upcalls.PREPARE));
        }

        @Override
        protected void onPrepare() {
            Uv.prepareStop(handle);
            for (Runnable r; (r = core.atPrepare.poll()) != null; ) core.guard(r);
        }
    }

    // ------------------------------------------------------------------ other threads

    /** Runs a task on the loop thread, in submission order per submitting thread. */
    public void execute(Runnable task) {
        java.util.Objects.requireNonNull(task, "task");
        // The lock orders admission against close(), which sets rejecting and then runs what was
        // queued; the wakeup's own lock (AsyncHandle) keeps the send off freed memory.
        synchronized (wakeLock) {
            if (rejecting) throw new RejectedExecutionException("juv: the event loop is closed");
            tasks.offer(task);
        }
        wakeup.wake();
    }

    /**
     * Runs a task on the loop thread, from any thread, even while close() waits for it: for the
     * completion of work the loop is kept alive for ({@link #keepAlive}), which close() waits for.
     */
    public void post(Runnable task) {
        tasks.offer(task);
        wakeup.wake();
    }

    private int keptAlive;

    /**
     * Work on other threads that will {@link #post} its completion: the loop stays alive (run does
     * not return, close waits) until {@link #releaseKeepAlive} balances it. Loop thread only.
     */
    public void keepAlive() {
        checkThread();
        if (keptAlive++ == 0) Uv.ref(wakeup.handle);
        requestStarted();
    }

    public void releaseKeepAlive() {
        checkThread();
        requestFinished();
        if (--keptAlive == 0 && wakeup.isAlive()) Uv.unref(wakeup.handle);
    }

    /** Runs every queued task; true if there were any. */
    boolean runTasks() {
        boolean ran = false;
        for (Runnable r; (r = tasks.poll()) != null; ) {
            ran = true;
            guard(r);
        }
        return ran;
    }

    // ------------------------------------------------------------------ juv's own handles

    /**
     * The uv_async_t that wakes the loop for {@link #execute} and {@link #post}; unreferenced, so
     * it never keeps the loop alive, except while work it waits for is in flight ({@link #keepAlive}).
     */
    private static final class Wakeup extends AsyncHandle {
        Wakeup(LoopCore core) {
            super(core, true);
            Uv.unref(handle);
        }

        void wake() {
            send();
        }

        @Override
        protected void onAsync() {
            core.runTasks();
        }
    }
}
