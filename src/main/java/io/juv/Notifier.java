package io.juv;

import io.juv.internal.AsyncHandle;
import io.juv.internal.LoopCore;

/**
 * A callback on the loop that any thread can set off (cl-async's notifier, on libuv's
 * {@code uv_async_t}), made by {@link EventLoop#notifier} (repeating) or
 * {@link EventLoop#notifierOnce} (single shot: it closes itself after its one run).
 *
 * <p><b>Triggers coalesce.</b> Many {@link #trigger()}s before the callback gets to run bring one
 * run, not one each: a notifier says "something happened", never how often. What it does promise:
 * the callback runs at least once after the last trigger, and it sees everything the triggering
 * thread wrote before triggering. To hand over items, put them in a concurrent queue and drain it
 * in the callback (or use {@link EventLoop#execute}, which is that queue on the same handle kind).
 *
 * <p>An open notifier keeps the loop alive, as cl-async's does, until it is closed (or has run,
 * when single shot); {@link #unref()} lets the loop end without it. {@link #trigger()} is safe from
 * any thread, at any time; everything else must be called on the loop's thread.
 *
 * {@snippet :
 * Queue<String> lines = new ConcurrentLinkedQueue<>();
 * Notifier arrived = loop.notifier(() -> {          // on the loop's thread
 *     for (String line; (line = lines.poll()) != null; ) socket.write(line);
 * });
 * // on any other thread:
 * lines.add("hello\n");
 * arrived.trigger();
 * }
 *
 * <p>An exception from the callback goes to the loop's error policy.
 */
public final class Notifier extends AsyncHandle {

    private final Runnable callback;
    private final boolean singleShot;

    Notifier(LoopCore core, Runnable callback, boolean singleShot) {
        super(core, false);
        this.callback = callback;
        this.singleShot = singleShot;
    }

    /**
     * Asks for the callback to run on the loop soon. Safe from any thread, including the loop's (it
     * then runs in a later pass, never inside this call). Returns false, and does nothing, once the
     * notifier is closed, or when a single-shot notifier has started its run.
     *
     * @return true if the trigger was taken
     */
    public boolean trigger() {
        return send();
    }

    /** {@return true for a notifier made by {@link EventLoop#notifierOnce}} */
    public boolean isSingleShot() {
        return singleShot;
    }

    /** Frees the notifier: triggers from now on are refused (false). Loop thread; safe more than once. */
    public void close() {
        closeNow();
    }

    @Override
    protected void onAsync() {
        if (isClosed()) return;
        if (singleShot) closeNow();
        callback.run();
    }

    @Override
    public String toString() {
        return (singleShot ? "single-shot notifier" : "notifier") + (isClosed() ? " (closed)" : "");
    }
}
