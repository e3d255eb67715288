package io.juv.internal;

import io.juv.HandleKind;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A libuv handle's life on the Java side: open, closing, closed.
 *
 * <p>The native handle is allocated and initialised in the constructor, registered in the
 * loop's table, and its data slot set to the table key. It is freed only in libuv's close
 * callback, and only then is its key given back, so no callback can ever find a stale object.
 * Subclasses override the one {@code on...} hook their handle type calls back.
 *
 * <p>The loop's table holds a handle libuv can call back (reading, listening, started, running,
 * with requests pending, which hold it too). One libuv cannot call back (a paused stream, a
 * stopped watcher) it holds weakly once the loop has swept for such handles after a garbage
 * collection: if the program drops it, juv closes it on the loop thread and reports it
 * ({@link LeakDetector}). Subclasses call {@link #holdForCallbacks()} before they start anything
 * that calls back.
 *
 * <p>Not in the API documentation ({@code @hidden}): the public handle types that extend it show
 * its public methods as their own.
 *
 * @hidden
 */
public abstract class HandleBase {

    /** How a handle type is initialised: uv_timer_init, uv_tcp_init, ... */
    @FunctionalInterface
    protected interface Init {
        int init(long loop, long handle);
    }

    private static final byte OPEN = 0, CLOSING = 1, CLOSED = 2;

    protected final LoopCore core;
    /** The uv_*_t's address, valid until the close callback. */
    protected final long handle;
    private final int slot;
    private final HandleKind kind;
    private final boolean internal;
    private byte state;
    /** Made at the first sweep that found this handle idle (in paranoid mode, at once, to record where it was made). */
    private LeakDetector.Lost lost;

    protected HandleBase(LoopCore core, HandleKind kind, boolean internal, Init init) {
        core.checkThread();
        core.checkOpen();
        this.core = core;
        this.kind = kind;
        this.internal = internal;
        this.handle = core.allocate(LoopCore.handleSize(kind));
        int rc = init.init(core.loop, handle);
        if (rc < 0) {
            // Never initialised, so libuv knows nothing of it: free at once, no close callback.
            core.free(handle, LoopCore.handleSize(kind));
            throw Errors.of(rc);
        }
        this.slot = core.register(this);
        Uv.handleData(handle, core.keyOf(slot));
        core.handleOpened(kind, internal);
        if (!internal && core.leakLevel == LeakDetector.Level.PARANOID) lost = new LeakDetector.Lost(this, core, slot, handle, true);
    }

    protected HandleBase(LoopCore core, HandleKind kind, Init init) {
        this(core, kind, false, init);
    }

    /**
     * A handle with no native memory of its own, layered on others (a TLS stream over a TCP
     * socket): counted like any handle, never in the loop's table, and closed by
     * {@link #layerClosed()} once what it is layered on has closed.
     */
    protected HandleBase(LoopCore core, HandleKind kind) {
        core.checkThread();
        core.checkOpen();
        this.core = core;
        this.kind = kind;
        this.internal = false;
        this.handle = 0;
        this.slot = -1;
        core.handleOpened(kind, false);
    }

    /** {@return what kind of handle this is} */
    public final HandleKind kind() {
        return kind;
    }

    final boolean isInternal() {
        return internal;
    }

    /** True until uv_close is called: also while a stream closes gracefully (flushing, lingering), which isClosed() hides. */
    final boolean nativeOpen() {
        return state == OPEN;
    }

    /** True once a close was asked for, even if libuv has not finished it yet. */
    public boolean isClosed() {
        return state != OPEN;
    }

    /** True when the native handle still exists (open, or closing but not yet closed). */
    protected final boolean isAlive() {
        return state != CLOSED;
    }

    /** Asks libuv to close the handle; {@link #onClosed()} follows from the close callback. */
    protected void closeNow() {
        if (beginClose()) closeNative();
    }

    /** Asks libuv to close the handle; a layered handle closes what it is layered on instead. */
    protected void closeNative() {
        Uv.close(handle, Upcalls.CLOSE);
    }

    /** A layered handle's end: what it is layered on has closed. */
    protected final void layerClosed() {
        if (handle == 0 && state == CLOSING) closed();
    }

    /**
     * For kinds with a close call of their own (uv_tcp_close_reset): marks the handle closing and
     * runs {@link #beforeClose()}; false if it was already. The caller then asks libuv to close it
     * with {@link Upcalls#CLOSE} as the callback.
     */
    protected final boolean beginClose() {
        if (state != OPEN) return false;
        core.checkThread();
        holdForCallbacks(); // the close callback must find this handle, not what stood for it
        if (lost != null) lost.done = true;
        state = CLOSING;
        beforeClose();
        return true;
    }

    /** Called from libuv's close callback: the only place a handle's memory is freed. */
    final void closed() {
        state = CLOSED;
        if (handle != 0) {
            core.unregister(slot);
            core.free(handle, LoopCore.handleSize(kind));
        }
        core.handleClosed(kind, internal);
        try {
            onClosed();
        } finally {
            // Even when the user's onClose threw: the memory has no other way out.
            if (ownMemory != null) {
                ownMemory.close(); // after onClosed: a view kept past this point throws instead of reading freed memory
                core.countNative(-ownBytes);
            }
        }
    }

    // ------------------------------------------------------------------ lost handles (LeakDetector)

    /** For the loop's sweep: open, in the table, and libuv can call it back no more (uv_is_active is 0). */
    final boolean canBeLost() {
        return handle != 0 && !internal && state == OPEN && !isClosed() && !Uv.isActive(handle);
    }

    /** The loop's table lets go of this handle until {@link #holdForCallbacks()}: the program's references alone keep it. */
    final void holdWeakly() {
        LeakDetector.Lost l = lost;
        if (l == null) lost = l = new LeakDetector.Lost(this, core, slot, handle, false);
        if (l.inSlot) return;
        if (!l.released) {
            l.released = true;
            l.release = whenLost();
        }
        l.ownMemory = ownMemory;
        l.ownBytes = ownBytes;
        l.inSlot = true;
        core.setEntry(slot, l);
    }

    /**
     * The loop's table holds this handle again, as it must before libuv can call it back: every
     * start of reading, listening or watching calls this first. Cheap when it holds it already.
     */
    protected final void holdForCallbacks() {
        LeakDetector.Lost l = lost;
        if (l != null && l.inSlot) {
            l.inSlot = false;
            core.setEntry(slot, this);
        }
    }

    /**
     * What juv must undo, beyond the native handle and its own memory, when this handle is lost and
     * closed without it (a counter, a descriptor juv opened for it), or null. Asked once, when the
     * handle is first found idle; the action must not reach the handle, or it would never be lost.
     */
    protected Runnable whenLost() {
        return null;
    }

    /** For {@link #whenLost()} of what a layered handle lies on: uncounts this one, which has no native handle to close. */
    protected final Runnable uncountWhenLost() {
        LoopCore c = core;
        HandleKind k = kind;
        boolean i = internal;
        return () -> c.handleClosed(k, i);
    }

    /** This handle's own native memory (see {@link #ownMemory}): null until it asks for some. */
    private Arena ownMemory;
    private long ownBytes;

    /**
     * Native memory of this handle's own, for what user code sees a view of (a receive buffer):
     * counted like every allocation, and freed in the close callback, so views of it die with it.
     */
    protected final MemorySegment ownMemory(long size) {
        if (ownMemory == null) ownMemory = Arena.ofConfined();
        MemorySegment m = ownMemory.allocate(size, 16);
        ownBytes += size;
        core.countNative(size);
        if (lost != null) {
            lost.ownMemory = ownMemory;
            lost.ownBytes = ownBytes;
        }
        return m;
    }

    /** {@return whether the handle keeps the loop alive (libuv's uv_has_ref); false once its close is done} */
    public boolean hasRef() {
        core.checkThread();
        return isAlive() && Uv.hasRef(handle);
    }

    /** Has the handle keep the loop alive again after {@link #unref()} (libuv's uv_ref); nothing once it is closed. */
    public void ref() {
        core.checkThread();
        if (isAlive()) Uv.ref(handle);
    }

    /**
     * Lets the loop end while this handle is open (libuv's uv_unref): {@link io.juv.EventLoop#run}
     * returns once nothing referenced is left, and the handle still works while the loop runs.
     * Nothing once it is closed.
     */
    public void unref() {
        core.checkThread();
        if (isAlive()) Uv.unref(handle);
    }

    /**
     * SO_SNDBUF or SO_RCVBUF of a socket handle (TCP, UDP) as the kernel reports it, after setting
     * it to {@code bytes} when {@code set} (positive; Linux caps it and reports twice what was set).
     * The caller has checked that the handle is open.
     */
    protected final int socketBufferSize(boolean send, boolean set, int bytes) {
        if (set && bytes <= 0) throw new IllegalArgumentException("buffer size must be positive: " + bytes);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment value = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, set ? bytes : 0);
            Errors.check(send ? Uv.sendBufferSize(handle, value) : Uv.recvBufferSize(handle, value));
            return value.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        }
    }

    // Hooks, called from Upcalls. Each handle type overrides the ones libuv calls for it.
    protected void beforeClose() {}
    protected void onClosed() {}
    protected void onTimer() {}
    protected void onAsync() {}
    protected void onCheck() {}
    protected void onPrepare() {}
    protected void onSignal(int signum) {}
    protected void onConnection(int status) {}
    protected void onRead(long nread) {}
    /** Fills the uv_buf_t at buf for a read: handles started with {@link Upcalls#OWN_ALLOC} read into memory of their own. */
    protected void onAlloc(long buf) {}
    /** A datagram (or a receive error) on a UDP handle, in the uv_buf_t at buf; addr is the sender's sockaddr, 0 when there is none. */
    protected void onRecv(long nread, long buf, long addr, int flags) {}
    /** A child process exited (uv_exit_cb): its exit status, and the signal that ended it or 0. */
    protected void onExit(long exitStatus, int termSignal) {}
    protected void onIdle() {}
    /** A uv_poll_t's readiness: status 0 or a negative code, events a mask of uv_poll_event. */
    protected void onPoll(int status, int events) {}
    /** A uv_fs_event_t's change; filename is a C string valid during the call, or 0. */
    protected void onFsEvent(long filename, int events, int status) {}
    /** A uv_fs_poll_t's change; prev and curr are uv_stat_t addresses valid during the call. */
    protected void onFsPoll(int status, long prev, long curr) {}
}
