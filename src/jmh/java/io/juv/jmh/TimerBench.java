package io.juv.jmh;

import io.juv.EventLoop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Timers scheduled and fired per second: 1,000,000 one-shot delays of 0 to 9 ms per invocation,
 * as native/c_timers.c does in C.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerBench {

    static final int N = 1_000_000;
    private static final Duration[] DELAYS = new Duration[10];
    static {
        for (int i = 0; i < DELAYS.length; i++) DELAYS[i] = Duration.ofMillis(i);
    }

    private EventLoop loop;
    private int fired;
    private final Runnable fire = () -> fired++;

    @Setup
    public void setUp() {
        loop = EventLoop.create();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int juvTimers() {
        fired = 0;
        loop.run(l -> {
            for (int i = 0; i < N; i++) l.delay(DELAYS[i % 10], fire);
        });
        if (fired != N) throw new IllegalStateException("fired " + fired + " of " + N);
        return fired;
    }
}
