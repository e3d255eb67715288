package io.juv.internal;

import io.juv.HandleKind;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A loop's metrics as libuv keeps them: iterations, events and events waiting (uv_metrics_info,
 * libuv 1.45+; before it juv counts iterations itself with a check handle and has no event
 * counts) and the idle time (uv_metrics_idle_time, when the loop was configured to measure it).
 * A closed loop's figures are the ones read just before libuv's loop was freed.
 */
final class LoopMetrics {

    /** uv_metrics_info arrived in libuv 1.45. Pointers as longs. */
    private static final Optional<MethodHandle> METRICS_INFO =
            LibUv.optional("uv_metrics_info", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** sizeof(uv_metrics_t): loop_count, events, events_waiting, then 13 reserved pointers. */
    private static final long METRICS_SIZE = 16 * 8;

    /** The loaded libuv counts events (uv_metrics_info). */
    static boolean hasEventCounts() {
        return METRICS_INFO.isPresent();
    }

    private final LoopCore core;
    private final boolean idleTimeOn;
    /** Counted by juv before libuv 1.45. */
    private long iterations;
    /** libuv's figures, kept once its loop is gone. */
    private Figures last;

    /** events and eventsWaiting are -1 before libuv 1.45, which does not count them. */
    record Figures(long iterations, long events, long eventsWaiting, long idleNanos) {}

    LoopMetrics(LoopCore core, boolean idleTime) {
        this.core = core;
        this.idleTimeOn = idleTime;
        if (idleTime) Errors.check(Uv.loopConfigureIdleTime(core.loop));
        if (METRICS_INFO.isEmpty()) new IterationCounter(core, this);
    }

    boolean idleTimeOn() {
        return idleTimeOn;
    }

    Figures read() {
        if (last != null) return last;
        long idle = idleTimeOn ? Uv.metricsIdleTime(core.loop) : 0;
        if (METRICS_INFO.isEmpty()) return new Figures(iterations, -1, -1, idle);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(METRICS_SIZE);
            Errors.check((int) METRICS_INFO.get().invokeExact(core.loop, m.address()));
            return new Figures(m.get(JAVA_LONG, 0), m.get(JAVA_LONG, 8), m.get(JAVA_LONG, 16), idle);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Keeps the figures for the closed loop's stats: libuv's own live in the uv_loop_t about to be freed. */
    void freeze() {
        last = read();
    }

    /** Counts iterations where libuv cannot (before 1.45): a check handle runs once per iteration. */
    private static final class IterationCounter extends HandleBase {
        private final LoopMetrics metrics;

        IterationCounter(LoopCore core, LoopMetrics metrics) {
            super(core, HandleKind.CHECK, true, Uv::checkInit);
            this.metrics = metrics;
            Errors.check(Uv.checkStart(handle, Upcalls.CHECK));
            Uv.unref(handle);
        }

        @Override
        protected void onCheck() {
            metrics.iterations++;
        }
    }
}
