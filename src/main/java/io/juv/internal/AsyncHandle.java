package io.juv.internal;

import io.juv.HandleKind;

/**
 * A uv_async_t: the one way another thread wakes a loop. The loop's {@link LoopCore#execute}
 * queue and the public notifiers are both made of it.
 *
 * <p>uv_async_send is the one libuv call that is safe from any thread, but only while the handle
 * exists: a sender racing with close could otherwise write into freed memory. So every send
 * happens under a lock that the close takes before asking libuv to close (from {@link #beforeClose}
 * on), and a send after that is refused: memory is freed only in the close callback, later.
 *
 * <p>libuv coalesces sends: every send made before the callback starts is served by that one
 * callback, and a send made while it runs brings another, so the callback always runs at least
 * once after the last send.
 *
 * <p>Not in the API documentation ({@code @hidden}): the public handle types that extend it show
 * its public methods as their own.
 *
 * @hidden
 */
public abstract class AsyncHandle extends HandleBase {

    private final Object sendLock = new Object();
    private boolean refusing;

    protected AsyncHandle(LoopCore core, boolean internal) {
        super(core, HandleKind.ASYNC, internal, (loop, h) -> Uv.asyncInit(loop, h, Upcalls.ASYNC));
    }

    /** Wakes the loop to run {@link #onAsync()}; from any thread. False once closing: nothing was sent. */
    protected final boolean send() {
        synchronized (sendLock) {
            if (refusing) return false;
            Uv.asyncSend(handle);
            return true;
        }
    }

    /** From now on every send is refused; the handle stays until it is closed. */
    protected final void refuseSends() {
        synchronized (sendLock) {
            refusing = true;
        }
    }

    @Override
    protected void beforeClose() {
        refuseSends();
    }
}
