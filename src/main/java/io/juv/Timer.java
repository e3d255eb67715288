package io.juv;

import io.juv.internal.LoopCore;
import io.juv.internal.TimerQueue;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A timer: a one-shot delay or a repeating interval (cl-async's {@code delay} and
 * {@code interval}). Create one with {@link EventLoop#delay} or {@link EventLoop#interval}.
 *
 * <p>Timers behave as libuv's: they fire in the loop's timers phase, by due time and then by the
 * order they were started; a zero delay fires on the next iteration, never in the pass that
 * started it; an interval is re-armed one interval after the loop time at which it fired, just
 * before its callback runs. A one-shot timer is closed when it fires. A referenced timer keeps
 * the loop alive; {@link #unref()} lets the loop end while it waits.
 *
 * <p>They are not libuv handles, though: all of a loop's timers wait in one queue in Java behind a
 * single uv_timer_t (as Node.js keeps its timers), so a timer costs no native memory, and a
 * loop's many timers cost one upcall per iteration in which any is due.
 *
 * {@snippet :
 * Timer giveUp = loop.delay(Duration.ofSeconds(30), () -> socket.closeNow());
 * Timer heartbeat = loop.interval(Duration.ofSeconds(5), t -> {
 *     if (socket.isClosed()) t.cancel();      // from its own callback
 *     else socket.write("ping\n");
 * });
 * heartbeat.unref();                          // the heartbeat alone does not keep the loop running
 * }
 *
 * <p>Every method must be called on the loop's thread. An exception from the callback goes to the
 * loop's error policy (when a handler catches it, an interval keeps ticking). Once a timer has fired (one-shot) or
 * was cancelled it is closed for good: it cannot be restarted; make a new one.
 */
public final class Timer extends TimerQueue.Entry {

    private final Runnable once;
    private final Consumer<Timer> tick;

    Timer(LoopCore core, Duration delay, Duration repeat, Runnable once, Consumer<Timer> tick) {
        long delayMillis = millis(delay, repeat == null ? "delay" : "interval"); // before the timer exists: a bad duration leaves nothing open
        long repeatMillis = repeat == null ? 0 : millis(repeat, "interval");
        super(core, repeatMillis);
        this.once = once;
        this.tick = tick;
        start(delayMillis);
    }

    private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE / 4);

    /** libuv counts milliseconds; a positive duration below one still waits one. */
    static long millis(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative()) throw new IllegalArgumentException("negative duration: " + d);
        // Past this, milliseconds overflow a long (toMillis throws ArithmeticException), or the loop's clock plus them would.
        if (d.compareTo(LONGEST) > 0) throw new IllegalArgumentException("duration too long (at most " + LONGEST + "): " + d);
        long ms = d.toMillis();
        return ms == 0 && !d.isZero() ? 1 : ms;
    }

    @Override
    protected void fire() {
        if (repeat == 0) {
            once.run();
        } else {
            tick.accept(this);
        }
    }

    /**
     * Stops the timer; it never fires again. Safe to call more than once, after it fired, and from
     * its own callback.
     */
    public void cancel() {
        close();
    }

    /** {@return true until the timer fired (one-shot) or was cancelled} */
    public boolean isActive() {
        return !isClosed();
    }

    /** {@return the interval between ticks, or zero for a one-shot delay} */
    public Duration interval() {
        return Duration.ofMillis(repeat);
    }
}
