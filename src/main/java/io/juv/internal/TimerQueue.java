package io.juv.internal;

import io.juv.HandleKind;

import java.util.Arrays;

/**
 * All of a loop's timers behind one uv_timer_t, as Node.js keeps its timers in JavaScript: a
 * timer costs no native memory, no table entry and no upcall of its own, only a place in a
 * binary heap here. The one libuv timer (the driver) is armed for the earliest due time and fires
 * every timer that is due, in one upcall.
 *
 * <p>The semantics are libuv's own, entry for entry:
 * <ul>
 *   <li>due time = the loop's time ({@code uv_now}) + delay, in milliseconds; timers fire by due
 *       time, then by the order they were started (libuv's start_id);</li>
 *   <li>a timer started while timers fire, even with a zero delay, fires on a later iteration,
 *       never in the same pass (libuv 1.48's rule, kept on older libuv too, see {@link #pass});</li>
 *   <li>an interval is re-armed at the loop's time + interval just before its callback runs, as
 *       {@code uv_timer_again} does;</li>
 *   <li>a referenced active timer keeps the loop alive, an unreferenced one does not: the driver
 *       is referenced exactly while at least one queued timer is.</li>
 * </ul>
 * Starting and cancelling are O(log n); a start downcalls into libuv only when the new timer is
 * due before the one the driver waits for.
 */
public final class TimerQueue {

    /**
     * One timer in the queue. The public timer type extends it, so a timer is one Java object
     * and nothing native. Used from the loop thread only, as every handle is.
     *
     * <p>Not in the API documentation ({@code @hidden}): {@link io.juv.Timer} shows its public
     * methods as its own.
     *
     * @hidden
     */
    public abstract static class Entry {

        private final TimerQueue queue;
        /** Milliseconds between ticks; 0 for a one-shot timer. */
        protected final long repeat;
        private long due;
        /** libuv's start_id: breaks ties between timers due at the same millisecond. */
        private long seq;
        /** Where the entry is in the heap; -1 while it is not queued. */
        private int index = -1;
        private boolean referenced = true;
        private boolean closed;
        /** juv's own timers (a stream's close linger) are not counted among the program's handles. */
        private final boolean internal;

        protected Entry(LoopCore core, long repeatMillis) {
            this(core, repeatMillis, false);
        }

        Entry(LoopCore core, long repeatMillis, boolean internal) {
            core.checkThread();
            core.checkOpen();
            this.queue = core.timers();
            this.repeat = repeatMillis;
            this.internal = internal;
            core.handleOpened(HandleKind.TIMER, internal);
        }

        /** The timer's callback; an exception from it goes to the loop's error policy. */
        protected abstract void fire();

        /** Queues the timer to fire after delayMillis (the loop's time + delay). */
        protected final void start(long delayMillis) {
            queue.start(this, delayMillis);
        }

        /** Takes the timer out of the queue for good; safe to call more than once, and from its own callback. */
        protected final void close() {
            queue.core.checkThread();
            if (closed) return;
            queue.remove(this);
            closed = true;
            queue.core.handleClosed(HandleKind.TIMER, internal);
        }

        /** {@return {@link HandleKind#TIMER}} */
        public final HandleKind kind() {
            return HandleKind.TIMER;
        }

        /** True once the timer fired (a one-shot timer) or was cancelled. */
        public final boolean isClosed() {
            return closed;
        }

        /** Whether the timer keeps the loop alive (libuv's ref): false once it is closed. */
        public final boolean hasRef() {
            queue.core.checkThread();
            return !closed && referenced;
        }

        /** Has the timer keep the loop alive again after {@link #unref()}; nothing once it is closed. */
        public final void ref() {
            queue.core.checkThread();
            queue.setReferenced(this, true);
        }

        /**
         * Lets the loop end while this timer waits: {@link io.juv.EventLoop#run} returns once
         * nothing referenced is left, and the timer still fires while the loop runs. Nothing once
         * it is closed.
         */
        public final void unref() {
            queue.core.checkThread();
            queue.setReferenced(this, false);
        }
    }

    private final LoopCore core;
    /** The one libuv timer; made with the first timer, closed with the loop's own handles. */
    private InternalTimer driver;
    /** Whether the driver is referenced (an InternalTimer starts unreferenced). */
    private boolean driverReferenced;
    /** The due time the driver is armed for; Long.MAX_VALUE while it is stopped. */
    private long armedFor = Long.MAX_VALUE;
    private boolean inPass;
    private boolean rearmAtPrepare;

    private Entry[] heap = new Entry[16];
    private int size;
    private long nextSeq;
    /** Queued timers that are referenced: the driver is referenced while this is above 0. */
    private int referenced;

    TimerQueue(LoopCore core) {
        this.core = core;
    }

    /** Timers queued now, for tests and stats. */
    public int size() {
        return size;
    }

    private void start(Entry e, long delayMillis) {
        core.checkThread();
        if (e.closed) return;
        if (e.index >= 0) remove(e);
        e.due = Uv.now(core.loop) + delayMillis;
        e.seq = nextSeq++;
        insert(e);
        if (e.referenced) referenced++;
        if (!inPass) rearm();
    }

    private void remove(Entry e) {
        if (e.index < 0) return;
        removeAt(e.index);
        if (e.referenced) referenced--;
        if (!inPass) settle();
    }

    private void setReferenced(Entry e, boolean on) {
        if (e.closed || e.referenced == on) return;
        e.referenced = on;
        if (e.index >= 0) {
            referenced += on ? 1 : -1;
            if (!inPass) refDriver();
        }
    }

    /** Cancels every timer (the loop's closeAll): none fires again. */
    void closeAll() {
        while (size > 0) heap[0].close();
    }

    /**
     * The driver fired: runs every timer due now that was started before this pass began, by due
     * time then start order. A timer started by a callback of this pass gets a start number past
     * the pass's end, so it waits for a later iteration even when it is due at once; an
     * already due timer always sorts before it (its due time is not later, its number smaller).
     */
    private void pass() {
        long now = Uv.now(core.loop);
        long end = nextSeq;
        armedFor = Long.MAX_VALUE; // the driver fired: it is stopped (it never repeats)
        inPass = true;
        core.enterTimerCallback();
        try {
            while (size > 0) {
                Entry e = heap[0];
                if (e.due > now || e.seq >= end) break;
                removeAt(0);
                if (e.repeat > 0) {
                    e.due = now + e.repeat;
                    e.seq = nextSeq++;
                    insert(e);
                } else {
                    if (e.referenced) referenced--;
                    e.closed = true; // inside its callback a one-shot timer is no longer active...
                }
                try {
                    e.fire();
                } catch (Throwable t) {
                    core.handleError(t);
                } finally {
                    // ...but counts among the loop's open timers until it returns, as a libuv
                    // handle closed in its callback counts until its close callback.
                    if (e.repeat == 0) core.handleClosed(HandleKind.TIMER, e.internal);
                }
            }
            inPass = false;
            rearm(); // still inside the driver's callback: a zero delay must wait (see rearm)
        } finally {
            inPass = false;
            core.exitTimerCallback();
        }
    }

    /** After a removal: stop or release the driver when nothing (referenced) is queued; a driver armed too early just fires a pass that finds nothing due. */
    private void settle() {
        if (size == 0) {
            if (driver != null && armedFor != Long.MAX_VALUE) {
                driver.stop();
                armedFor = Long.MAX_VALUE;
            }
        }
        refDriver();
    }

    /** Refs or unrefs the driver when that changes: a timer's start or cancel costs no downcall for it otherwise. */
    private void refDriver() {
        boolean want = referenced > 0;
        if (driver == null || want == driverReferenced) return;
        driverReferenced = want;
        if (want) driver.ref();
        else driver.unref();
    }

    /** Arms the driver for the earliest timer, if it is not armed for it (or earlier) already. */
    private void rearm() {
        if (size == 0) {
            settle();
            return;
        }
        long due = heap[0].due;
        if (due >= armedFor) {
            refDriver();
            return;
        }
        long delay = Math.max(0, due - Uv.now(core.loop));
        if (delay == 0 && core.zeroTimerNeedsDeferring()) {
            // libuv before 1.48 would run a timer started now with no delay in this very pass
            // (libuv issue 4245): start the driver in the prepare phase instead, before libuv
            // computes its poll timeout, so it fires at the top of the next iteration.
            if (!rearmAtPrepare) {
                rearmAtPrepare = true;
                core.deferToPrepare(() -> {
                    rearmAtPrepare = false;
                    if (!core.isClosed()) rearm();
                });
            }
            refDriver();
            return;
        }
        if (driver == null) driver = new InternalTimer(core, this::pass);
        driver.start(delay);
        armedFor = due;
        refDriver();
    }

    // ------------------------------------------------------------------ the heap, by (due, seq)

    private static boolean before(Entry a, Entry b) {
        return a.due < b.due || (a.due == b.due && a.seq < b.seq);
    }

    private void insert(Entry e) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        siftUp(size++, e);
    }

    private void removeAt(int i) {
        Entry gone = heap[i];
        Entry last = heap[--size];
        heap[size] = null;
        gone.index = -1;
        if (i == size) return;
        siftDown(i, last);
        if (heap[i] == last) siftUp(i, last);
    }

    private void siftUp(int i, Entry e) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!before(e, p)) break;
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i, Entry e) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) c = heap[child = right];
            if (!before(c, e)) break;
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }
}
