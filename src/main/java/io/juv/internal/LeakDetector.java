package io.juv.internal;

import io.juv.HandleKind;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Handles the program lost without closing them: found, closed on the loop thread, reported once.
 *
 * <p>The loop's table must hold a handle libuv can still call back (reading, listening, started,
 * running, with requests pending): that is what makes the callback find it, as Node keeps an
 * active socket alive. A handle libuv cannot call back any more (a paused stream, a stopped
 * watcher) needs nothing from the table but its slot, so after each garbage collection the loop
 * looks for such handles ({@link LoopCore#sweepForLost}) and puts a {@link Lost} in their slot
 * instead: a weak reference, which leaves the handle to the program. When the program drops it,
 * the {@link Cleaner} posts the close of the native handle to the loop thread; the close callback
 * frees its memory as always and reports it once. A handle that is started again (reading resumed,
 * a watcher restarted) takes its slot back first ({@link HandleBase#holdForCallbacks}), before
 * libuv can call it.
 *
 * <p>Which handles can be lost: streams (TCP, pipes, TTYs; a TLS stream goes with the TCP socket
 * under it) while paused, or after their read side ended, with no write or shutdown pending and no
 * read or write timeout set (the stream's timeouts live on an internal timer, which the table
 * holds, and which holds the stream); pollers, loop hooks, file watchers and stat pollers while
 * stopped. Kept by the loop until they are closed, however the program lets go of them: servers
 * (they listen from creation), UDP sockets (they receive from bind), signal handlers, notifiers (a
 * uv_async is always active: any thread may send), processes while they run (one closes its own
 * handle when it exits), and every handle while libuv can call it back. loop.close() closes the
 * lost handles not yet collected with the rest.
 *
 * <p>The level is the system property {@code juv.leakDetection}, read when a loop is made
 * (Netty's ResourceLeakDetector is the model): {@code disabled} (the table holds every handle,
 * as before this existed: a lost handle stays open until the loop closes), {@code simple} (the
 * default: lost handles are closed and reported, at most one sweep a second), {@code paranoid}
 * (also records where each handle was made, for the report, and sweeps after every collection).
 *
 * <p>Reports go to the {@link System.Logger} {@code io.juv.leak} at ERROR, not to the loop's
 * error policy: the handle is closed by then and nothing is broken, and under the default policy
 * (no handler: the loop stops and run() throws) a report would stop a loop at a moment the
 * collector chose, far from the code that lost the handle.
 */
public final class LeakDetector {

    private LeakDetector() {}

    public enum Level { DISABLED, SIMPLE, PARANOID }

    public static final String PROPERTY = "juv.leakDetection";

    /** The level new loops get. @throws IllegalArgumentException for a value that is none of them */
    static Level level() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) return Level.SIMPLE;
        try {
            return Level.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("juv: " + PROPERTY + " must be disabled, simple or paranoid, not '" + v + "'");
        }
    }

    /** Cleans up after lost handles: the loop thread registers with it (a Cleaner's list is behind a lock its thread takes too). */
    static final Cleaner CLEANER = cleaner("juv-leak-detector");
    /**
     * Sees every collection, re-registering its marker each time: a Cleaner of its own, so that the
     * loop thread's registrations never wait for a lock this busy thread holds (it may be descheduled
     * holding it on a loaded machine).
     */
    private static final Cleaner GC_TICKS = cleaner("juv-gc-ticks");

    private static Cleaner cleaner(String name) {
        return Cleaner.create(runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static final System.Logger LOG = System.getLogger("io.juv.leak");

    /**
     * Tells a loop of garbage collections: an object nobody holds, whose cleaning action asks the
     * loop for a sweep and makes the next one. At most one request a second (every collection in
     * paranoid mode), decided here on the Cleaner's thread, so that a program collecting often does
     * not wake its loop as often; one sweep queued at a time. Stops once the loop refuses tasks (closed).
     */
    static void sweepAfterGcs(LoopCore core, boolean everyGc) {
        new GcTick(core, everyGc).arm();
    }

    /**
     * The marker's action (a class, not a lambda: a loop's constructor registers the first one
     * after uv_loop_init, where linking a lambda's call site would age libuv's cached time).
     */
    private static final class GcTick implements Runnable {
        private final LoopCore core;
        private final boolean everyGc;
        private final AtomicBoolean queued = new AtomicBoolean();
        /** GC_TICKS's thread's alone: it runs every action. */
        private long lastAsked;
        private final Runnable sweep = new Runnable() {
            @Override
            public void run() {
                queued.set(false);
                core.sweepForLost();
            }
        };

        GcTick(LoopCore core, boolean everyGc) {
            this.core = core;
            this.everyGc = everyGc;
        }

        void arm() {
            GC_TICKS.register(new Object(), this);
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            if ((everyGc || lastAsked == 0 || now - lastAsked >= 1_000_000_000L) && !queued.getAndSet(true)) {
                lastAsked = now;
                try {
                    core.execute(sweep);
                } catch (RejectedExecutionException closed) {
                    return;
                }
            }
            arm();
        }
    }

    /**
     * What a handle's slot holds while libuv cannot call it back, and the Cleaner's action for it:
     * everything needed to close and free the native handle, and nothing that reaches the handle
     * (a strong reference would keep it from ever being collected).
     */
    static final class Lost extends WeakReference<HandleBase> implements Runnable {
        private final LoopCore core;
        private final int slot;
        private final long address;
        private final HandleKind kind;
        private final String type;
        /** Where the handle was made, in paranoid mode only. */
        private final Throwable createdAt;
        /** True while the slot holds this rather than the handle. Loop thread only. */
        boolean inSlot;
        /** Whether {@link #release} was asked of the handle yet (it is, at the first weakening, when the subclass is built). */
        boolean released;
        /** What else juv must undo for this handle (a counter, a descriptor of its own): never the handle. */
        Runnable release;
        Arena ownMemory;
        long ownBytes;
        private boolean closing;
        /** Closed, by the program or by juv: the Cleaner then has nothing to post (read on its thread). */
        volatile boolean done;

        Lost(HandleBase h, LoopCore core, int slot, long address, boolean traced) {
            super(h);
            this.core = core;
            this.slot = slot;
            this.address = address;
            this.kind = h.kind();
            this.type = h.getClass().getName();
            this.createdAt = traced ? madeHere(kind, type) : null;
            CLEANER.register(h, this);
        }

        /** Where the program made the handle: the trace from its first frame outside juv's constructors. */
        private static Throwable madeHere(HandleKind kind, String type) {
            Throwable t = new Throwable("the " + kind + " handle (" + type + ") was made here");
            StackTraceElement[] st = t.getStackTrace();
            int first = 0;
            while (first < st.length - 1 && (st[first].getClassName().startsWith("io.juv.internal.") || st[first].getMethodName().equals("<init>"))) first++;
            t.setStackTrace(java.util.Arrays.copyOfRange(st, first, st.length));
            return t;
        }

        /** The Cleaner's action, on its thread: the handle is gone; the loop closes what is left of it. */
        @Override
        public void run() {
            if (done) return;
            try {
                core.execute(this::closeIfLost);
            } catch (RejectedExecutionException closed) {
                // The loop closed: it closed this slot's handle with every other.
            }
        }

        /** Closes the native handle if its slot still says it was lost and nobody closed it yet. */
        void closeIfLost() {
            if (closing || !inSlot || core.entry(slot) != this) return;
            closing = true;
            done = true;
            Uv.close(address, Upcalls.CLOSE);
        }

        /** The handle is in use again: an upcall found it here (juv takes its slot back before starting it, so this is a safety net). */
        HandleBase forCallback() {
            HandleBase h = get();
            if (h == null) throw new IllegalStateException("juv: libuv called back a lost " + kind + " handle (" + type + ")");
            h.holdForCallbacks();
            return h;
        }

        /** The close callback of a lost handle: frees what the handle would have, then the one report. */
        void closed() {
            core.unregister(slot);
            core.free(address, LoopCore.handleSize(kind));
            core.handleClosed(kind, false);
            if (ownMemory != null) {
                ownMemory.close();
                core.countNative(-ownBytes);
            }
            if (release != null) core.guard(release);
            report();
        }

        private void report() {
            String msg = "juv LEAK: a " + kind + " handle (" + type + ") was garbage-collected without close(); juv closed it. "
                    + (createdAt == null ? "Run with -D" + PROPERTY + "=paranoid to see where it was made."
                                         : "Where it was made follows.");
            try {
                LOG.log(System.Logger.Level.ERROR, msg, createdAt);
            } catch (Throwable t) {
                core.handleError(t); // a broken logger: the error policy hears of it instead
            }
        }
    }
}
