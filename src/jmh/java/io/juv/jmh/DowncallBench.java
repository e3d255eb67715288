package io.juv.jmh;

import io.juv.EventLoop;
import io.juv.bindings.uv_h;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

/**
 * What one call from Java into C costs: an empty C function and libuv's uv_now, through a plain
 * FFM downcall (jextract's handle), a critical FFM downcall, juv's own path
 * ({@link EventLoop#now()}: thread check plus juv's critical handle), and JNI.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DowncallBench {

    private static final MethodHandle EMPTY = Native.shim("juvbench_empty", FunctionDescriptor.ofVoid());
    private static final MethodHandle EMPTY_CRITICAL = Native.shim("juvbench_empty", FunctionDescriptor.ofVoid(),
            Linker.Option.critical(false));
    private static final MethodHandle NOW_CRITICAL = Linker.nativeLinker().downcallHandle(
            uv_h.uv_now$address(), uv_h.uv_now$descriptor(), Linker.Option.critical(false));

    private EventLoop loop;
    private MemorySegment loopPtr;
    private long loopAddress;

    @Setup
    public void setUp() {
        loop = EventLoop.create(); // on this benchmark thread, which then owns it
        loopPtr = Native.loopOf(loop);
        loopAddress = loopPtr.address();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    public void emptyFfm() throws Throwable {
        EMPTY.invokeExact();
    }

    @Benchmark
    public void emptyFfmCritical() throws Throwable {
        EMPTY_CRITICAL.invokeExact();
    }

    @Benchmark
    public void emptyJni() {
        Jni.empty();
    }

    @Benchmark
    public long uvNowFfm() {
        return uv_h.uv_now(loopPtr);
    }

    @Benchmark
    public long uvNowFfmCritical() throws Throwable {
        return (long) NOW_CRITICAL.invokeExact(loopPtr);
    }

    @Benchmark
    public long uvNowJuv() {
        return loop.now();
    }

    @Benchmark
    public long uvNowJni() {
        return Jni.uvNow(loopAddress);
    }
}
