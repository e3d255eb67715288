package io.juv.internal;

import io.juv.HandleKind;

/**
 * A libuv timer juv keeps for itself (a stream's timeouts, say): not counted among the user's
 * handles, not closed by {@link LoopCore#closeAll} on its own, and unreferenced, so it never
 * keeps the loop alive; its owner closes it with {@link #close()}.
 */
public final class InternalTimer extends HandleBase {

    private final Runnable onFire;

    public InternalTimer(LoopCore core, Runnable onFire) {
        super(core, HandleKind.TIMER, true, Uv::timerInit);
        this.onFire = onFire;
        Uv.unref(handle);
    }

    /** (Re)starts the timer to fire once, after delayMillis. */
    public void start(long delayMillis) {
        if (isClosed()) return;
        Errors.check(Uv.timerStart(handle, Upcalls.TIMER, delayMillis, 0));
    }

    /**
     * Whether the timer keeps the loop alive while it runs: for an owner that nothing else holds
     * the loop for yet (a TLS client whose transport has not opened, say), so that it fires.
     */
    public void keepsLoopAlive(boolean on) {
        if (isClosed()) return;
        if (on) Uv.ref(handle);
        else Uv.unref(handle);
    }

    public void stop() {
        if (!isClosed()) Uv.timerStop(handle);
    }

    public void close() {
        closeNow();
    }

    @Override
    protected void onTimer() {
        onFire.run();
    }
}
