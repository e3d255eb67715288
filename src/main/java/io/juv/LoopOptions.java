package io.juv;

/**
 * How a loop is configured when it is made ({@code uv_loop_configure}, which libuv takes only
 * before the loop first runs): {@code EventLoop.create(LoopOptions.DEFAULT.blockSignal(Signal.PROF))}.
 *
 * @param idleTime    UV_METRICS_IDLE_TIME: libuv measures the time the loop spends waiting for
 *                    events, reported as {@link LoopStats#idleTime()} (zero when off). On by
 *                    default; it costs two clock reads per iteration.
 * @param blockSignal UV_LOOP_BLOCK_SIGNAL: the loop waits for events with this signal blocked, so
 *                    a profiler's signal does not keep waking it. libuv takes only
 *                    {@link Signal#PROF} (anything else is an {@code EINVAL} {@link UvException}
 *                    from {@code create}) and only on Unix ({@code ENOSYS} elsewhere); null for none.
 */
public record LoopOptions(boolean idleTime, Signal blockSignal) {

    /** What {@link EventLoop#create()} uses: idle time measured, no signal blocked. */
    public static final LoopOptions DEFAULT = new LoopOptions(true, null);

    /**
     * {@return these options with idle-time measuring on or off}
     *
     * @param on whether libuv measures the loop's idle time
     */
    public LoopOptions idleTime(boolean on) {
        return new LoopOptions(on, blockSignal);
    }

    /**
     * {@return these options, blocking {@code signal} while the loop waits for events}
     *
     * @param signal the signal to block ({@link Signal#PROF}), or null for none
     */
    public LoopOptions blockSignal(Signal signal) {
        return new LoopOptions(idleTime, signal);
    }
}
