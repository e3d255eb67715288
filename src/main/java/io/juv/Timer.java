package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A libuv timer: a one-shot delay or a repeating interval (cl-async's {@code delay} and
 * {@code interval}). Create one with {@link EventLoop#delay} or {@link EventLoop#interval}.
 *
 * <p>An interval uses libuv's own repeat, so each tick is scheduled from the previous one's
 * due time by libuv rather than by a new timer started from the callback. A one-shot timer
 * closes itself when it fires.
 */
public final class Timer extends HandleBase {

    private final long repeatMillis;
    private final Runnable once;
    private final Consumer<Timer> tick;

    Timer(LoopCore core, Duration delay, Duration repeat, Runnable once, Consumer<Timer> tick) {
        long delayMillis = millis(delay); // before the handle exists: a bad duration leaves nothing open
        long repeatMillis = repeat == null ? 0 : millis(repeat);
        super(core, HandleKind.TIMER, Uv::timerInit);
        this.repeatMillis = repeatMillis;
        this.once = once;
        this.tick = tick;
        if (delayMillis == 0 && core.zeroTimerNeedsDeferring()) {
            core.deferToPrepare(this::start);
        } else {
            start(delayMillis);
        }
    }

    private void start() {
        if (!isClosed()) start(0);
    }

    private void start(long delayMillis) {
        int rc = Uv.timerStart(handle, Upcalls.TIMER, delayMillis, repeatMillis);
        if (rc < 0) {
            closeNow();
            throw Errors.of(rc);
        }
    }

    /** libuv counts milliseconds; a positive duration below one still waits one. */
    static long millis(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("negative duration: " + d);
        long ms = d.toMillis();
        return ms == 0 && !d.isZero() ? 1 : ms;
    }

    @Override
    protected void onTimer() {
        core.enterTimerCallback();
        try {
            if (repeatMillis == 0) {
                closeNow();
                once.run();
            } else {
                tick.accept(this);
            }
        } finally {
            core.exitTimerCallback();
        }
    }

    /** Stops the timer and frees it; it never fires again. Safe to call more than once, and from its own callback. */
    public void cancel() {
        closeNow();
    }

    /** True until the timer fired (one-shot) or was cancelled. */
    public boolean isActive() {
        return !isClosed();
    }

    /** The interval between ticks, or zero for a one-shot delay. */
    public Duration interval() {
        return Duration.ofMillis(repeatMillis);
    }
}
