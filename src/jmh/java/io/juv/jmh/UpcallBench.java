package io.juv.jmh;

import io.juv.EventLoop;
import io.juv.internal.InternalTimer;
import io.juv.internal.LoopCore;
import io.juv.internal.Upcalls;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What one call from C into Java costs. C (native/ffi_shim.c) calls a function pointer N times:
 * juv's own uv_timer_cb stub with a live timer handle (the stub finds the Timer through the
 * handle's data slot and runs the user's callback: all of juv's dispatch), a bare FFM stub, and
 * for comparison JNI's CallStaticVoidMethod.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UpcallBench {

    static final int N = 10_000;

    private static final MethodHandle CALL_N = Native.shim("juvbench_call_n",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
    private static final MemorySegment BARE_STUB;
    private static final MemorySegment JUV_TIMER_STUB = MemorySegment.ofAddress(Upcalls.TIMER);
    static long bareCalls;

    static {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(UpcallBench.class, "bare",
                    MethodType.methodType(void.class, MemorySegment.class));
            BARE_STUB = Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void bare(MemorySegment arg) {
        bareCalls++;
    }

    private EventLoop loop;
    /** A libuv timer of juv's own: the stub finds it by its key and runs its Java callback. */
    private InternalTimer timer;
    private MemorySegment timerHandle;
    long ticks;

    @Setup
    public void setUp() {
        loop = EventLoop.create();
        timer = new InternalTimer(LoopCore.of(loop), () -> ticks++);
        timerHandle = Native.handleOf(timer);
    }

    @TearDown
    public void tearDown() {
        timer.close();
        loop.run();
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void juvDispatch() throws Throwable {
        CALL_N.invokeExact(JUV_TIMER_STUB, timerHandle, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void ffmStub() throws Throwable {
        CALL_N.invokeExact(BARE_STUB, MemorySegment.NULL, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void jni() {
        Jni.callbackLoop(N);
    }
}
