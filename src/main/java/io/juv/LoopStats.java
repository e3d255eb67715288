package io.juv;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A snapshot of an event loop's counters, as cl-async's {@code stats} gave them, from
 * {@link EventLoop#stats()}: plain values, safe to keep and to read on any thread.
 *
 * @param incomingTcp     accepted TCP connections now open
 * @param outgoingTcp     TCP client connections now open (or connecting)
 * @param handles         open handles by kind, the loop's own internal handles excluded
 * @param pendingRequests libuv requests (writes, connects, shutdowns, lookups) not yet completed
 * @param nativeBytes     native memory juv holds for this loop, its own buffers included
 * @param iterations      loop iterations so far
 * @param idleTime        time the loop spent waiting for events (libuv's idle-time metric); zero
 *                        when the loop was made with {@code LoopOptions.idleTime(false)}
 * @param events          events the loop has processed (uv_metrics_info's {@code events});
 *                        empty before libuv 1.45, which does not count them
 * @param eventsWaiting   events that were waiting when the loop last polled
 *                        (uv_metrics_info's {@code events_waiting}); empty before libuv 1.45
 */
public record LoopStats(long incomingTcp, long outgoingTcp, Map<HandleKind, Integer> handles,
                        int pendingRequests, long nativeBytes, long iterations, Duration idleTime,
                        OptionalLong events, OptionalLong eventsWaiting) {

    /** {@return the open handles of all kinds together} */
    public int openHandles() {
        return handles.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * {@return the open handles of one kind}
     *
     * @param kind the kind to count
     */
    public int handles(HandleKind kind) {
        return handles.getOrDefault(kind, 0);
    }
}
