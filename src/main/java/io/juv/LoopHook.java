package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.StartableHandle;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

/**
 * A callback run once per loop iteration at one point of it: libuv's idle, prepare and check
 * handles, made by {@link EventLoop#onIdle}, {@link EventLoop#onPrepare} and
 * {@link EventLoop#onCheck} (started at once).
 *
 * <p>One iteration of the loop runs, in this order: due timers, pending I/O callbacks,
 * <b>idle</b> hooks, <b>prepare</b> hooks, the poll for I/O (which may block), the I/O callbacks,
 * <b>check</b> hooks, close callbacks. So a prepare hook runs just before the loop may block and
 * a check hook just after it woke.
 *
 * <p><b>An active idle hook makes the loop spin</b>: while one is started libuv polls with a zero
 * timeout, so the loop never sleeps and takes a whole core even with nothing to do. Stop it when
 * there is nothing for it to do. Prepare and check hooks do not change how long the loop waits.
 *
 * <p>A started hook keeps the loop alive, like any referenced handle (an idle hook forever, at
 * full speed), but a prepare or check hook never wakes it: with nothing else to wait for, the
 * loop then waits in its poll for good. {@link #unref()} lets the loop end without the hook.
 * Every method must be called on the loop's thread.
 *
 * {@snippet :
 * // Flush what the iteration's callbacks buffered, once per iteration, before the loop may block.
 * LoopHook flush = loop.onPrepare(() -> batcher.flush());
 * flush.unref();   // the hook alone does not keep the loop running
 * // ...
 * flush.close();
 * }
 *
 * <p>{@link #stop()} pauses a hook (a stopped hook keeps nothing alive) and {@link #start()} resumes
 * it; after {@link #close()} the hook is freed, {@code start} throws {@link IllegalStateException}
 * and {@code stop} does nothing. An exception from the callback goes to the loop's error policy.
 */
public final class LoopHook extends StartableHandle {

    /** Where in the iteration the hook runs. */
    public enum Phase {
        /** After the pending I/O callbacks; while started, the loop polls without waiting. */
        IDLE,
        /** Just before the poll for I/O. */
        PREPARE,
        /** Just after the poll for I/O and its callbacks. */
        CHECK
    }

    private final Phase phase;
    private final Runnable callback;

    LoopHook(LoopCore core, Phase phase, Runnable callback) {
        super(core, switch (phase) {
            case IDLE -> HandleKind.IDLE;
            case PREPARE -> HandleKind.PREPARE;
            case CHECK -> HandleKind.CHECK;
        }, switch (phase) {
            case IDLE -> Uv::idleInit;
            case PREPARE -> Uv::prepareInit;
            case CHECK -> Uv::checkInit;
        });
        this.phase = phase;
        this.callback = callback;
        start();
    }

    /** {@return where in the iteration the hook runs} */
    public Phase phase() {
        return phase;
    }

    @Override
    protected String describe() {
        return "this " + phase.name().toLowerCase() + " hook";
    }

    @Override
    protected void startNative() {
        Errors.check(switch (phase) {
            case IDLE -> Uv.idleStart(handle, Upcalls.IDLE);
            case PREPARE -> Uv.prepareStart(handle, Upcalls.PREPARE);
            case CHECK -> Uv.checkStart(handle, Upcalls.CHECK);
        });
    }

    @Override
    protected void stopNative() {
        switch (phase) {
            case IDLE -> Uv.idleStop(handle);
            case PREPARE -> Uv.prepareStop(handle);
            case CHECK -> Uv.checkStop(handle);
        }
    }

    @Override
    protected void onIdle() {
        callback.run();
    }

    @Override
    protected void onPrepare() {
        callback.run();
    }

    @Override
    protected void onCheck() {
        callback.run();
    }

    @Override
    public String toString() {
        return phase.name().toLowerCase() + " hook" + stateSuffix();
    }
}
