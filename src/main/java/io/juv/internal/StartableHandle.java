package io.juv.internal;

import io.juv.HandleKind;

/**
 * A handle that is started and stopped (libuv's uv_*_start and uv_*_stop) between its init and
 * its close: loop hooks, pollers, watchers. A stopped handle stays open and keeps nothing alive;
 * close stops it as well. Subclasses say how their kind starts and stops.
 *
 * <p>Not in the API documentation ({@code @hidden}): the public handle types that extend it show
 * its public methods as their own.
 *
 * @hidden
 */
public abstract class StartableHandle extends HandleBase {

    private boolean active;

    protected StartableHandle(LoopCore core, HandleKind kind, Init init) {
        super(core, kind, init);
    }

    /** What the handle is, for an error: "the poller of descriptor 5". */
    protected abstract String describe();

    /** uv_*_start: the handle is open and stopped. Throws a typed error when libuv refuses. */
    protected abstract void startNative();

    /** uv_*_stop: the handle is open and started. */
    protected abstract void stopNative();

    /**
     * Starts (again after {@link #stop()}); does nothing if started.
     *
     * @throws IllegalStateException once closed
     */
    public void start() {
        checkOpen();
        if (active) return;
        holdForCallbacks();
        startNative();
        active = true;
    }

    /** Stops it (a stopped handle does not keep the loop alive); {@link #start()} resumes it. Does nothing once closed. */
    public void stop() {
        if (isClosed() || !active) return;
        core.checkThread();
        stopNative();
        active = false;
    }

    /** {@return true while started and not closed} */
    public boolean isActive() {
        return active && !isClosed();
    }

    /** Stops it and frees it. Safe more than once, and from its own callback. */
    public void close() {
        active = false;
        closeNow();
    }

    /** @throws IllegalStateException once closed; WrongThreadException off the loop's thread */
    protected final void checkOpen() {
        if (isClosed()) throw new IllegalStateException("juv: " + describe() + " is closed");
        core.checkThread();
    }

    /** For toString: " (closed)", " (stopped)" or nothing. */
    protected final String stateSuffix() {
        return isClosed() ? " (closed)" : active ? "" : " (stopped)";
    }
}
