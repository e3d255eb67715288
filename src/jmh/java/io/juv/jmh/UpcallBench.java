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
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What one call from C into Java costs. C (native/ffi_shim.c) calls a function pointer N times,
 * so the one downcall that starts the loop is spread over N upcalls (the JDK's Upcalls benchmark
 * counts one downcall per upcall instead). Shapes: no arguments, one pointer (a libuv callback's
 * handle), and three (uv_read_cb's handle, count and buffer); through bare FFM stubs and JNI
 * (CallStaticVoidMethod, class and method ids cached), from this JVM thread and from a pthread
 * the shim made (a JNI one attached once, its JNIEnv kept). Beside them juv's own uv_timer_cb stub
 * with a live timer handle: the stub finds the Timer through the handle's data slot and runs the
 * user's callback, all of juv's dispatch on top of the bare one-pointer stub. The naive JNI forms
 * (FindClass and GetStaticMethodID per call; attach and detach per call) are pitfalls, measured
 * so that their price is known, with fewer calls per invocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UpcallBench {

    static final int N = 10_000;
    /** For the pitfalls, a thousand times dearer. */
    static final int NAIVE_N = 100;

    private static final MethodHandle CALL_N0 = Native.shim("juvbench_call_n0", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    private static final MethodHandle CALL_N = Native.shim("juvbench_call_n",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CALL_N3 = Native.shim("juvbench_call_n3",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle WORKER_START = Native.shim("juvbench_worker_start", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle WORKER_RUN = Native.shim("juvbench_worker_run",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle WORKER_STOP = Native.shim("juvbench_worker_stop", FunctionDescriptor.ofVoid(ADDRESS));

    static final FunctionDescriptor CB0 = FunctionDescriptor.ofVoid();
    static final FunctionDescriptor CB1 = FunctionDescriptor.ofVoid(ADDRESS);
    static final FunctionDescriptor CB3 = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS);
    static final MemorySegment STUB0 = stub("bare0", MethodType.methodType(void.class), CB0);
    static final MemorySegment STUB1 = stub("bare1", MethodType.methodType(void.class, MemorySegment.class), CB1);
    static final MemorySegment STUB3 = stub("bare3",
            MethodType.methodType(void.class, MemorySegment.class, long.class, MemorySegment.class), CB3);
    private static final MemorySegment JUV_TIMER_STUB = MemorySegment.ofAddress(Upcalls.TIMER);
    static long bareCalls;

    static MemorySegment stub(String name, MethodType type, FunctionDescriptor descriptor) {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(UpcallBench.class, name, type);
            return Linker.nativeLinker().upcallStub(target, descriptor, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static void bare0() {
        bareCalls++;
    }

    static void bare1(MemorySegment handle) {
        bareCalls++;
    }

    static void bare3(MemorySegment handle, long n, MemorySegment buf) {
        bareCalls++;
    }

    private EventLoop loop;
    /** A libuv timer of juv's own: the stub finds it by its key and runs its Java callback. */
    private InternalTimer timer;
    private MemorySegment timerHandle;
    /** The shim's pthread, made once per trial: its first upcall (the attach) falls in warm-up. */
    private MemorySegment worker;
    private final MemorySegment arg = MemorySegment.ofAddress(0x1000);
    long ticks;

    @Setup
    public void setUp() throws Throwable {
        loop = EventLoop.create();
        timer = new InternalTimer(LoopCore.of(loop), () -> ticks++);
        timerHandle = Native.handleOf(timer);
        worker = (MemorySegment) WORKER_START.invokeExact();
        if (worker.equals(MemorySegment.NULL)) throw new IllegalStateException("no worker thread");
    }

    @TearDown
    public void tearDown() throws Throwable {
        WORKER_STOP.invokeExact(worker);
        timer.close();
        loop.run();
        loop.close();
    }

    // ---- juv's dispatch

    @Benchmark
    @OperationsPerInvocation(N)
    public void juvDispatch() throws Throwable {
        CALL_N.invokeExact(JUV_TIMER_STUB, timerHandle, N);
    }

    // ---- from this JVM thread

    @Benchmark
    @OperationsPerInvocation(N)
    public void ffm0() throws Throwable {
        CALL_N0.invokeExact(STUB0, N);
    }

    /** The bare stub under {@link #juvDispatch()}: the same signature as uv_timer_cb. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void ffmStub() throws Throwable {
        CALL_N.invokeExact(STUB1, arg, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void ffm3() throws Throwable {
        CALL_N3.invokeExact(STUB3, arg, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void jni0() {
        Jni.upcalls(Jni.JNI0, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void jni1() {
        Jni.upcalls(Jni.JNI1, arg.address(), N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void jni3() {
        Jni.upcalls(Jni.JNI3, arg.address(), N);
    }

    /** Pitfall: FindClass and GetStaticMethodID before every call. */
    @Benchmark
    @OperationsPerInvocation(NAIVE_N)
    public void jniNaive() {
        Jni.upcalls(Jni.JNI_NAIVE, 0, NAIVE_N);
    }

    // ---- from a thread native code made

    @Benchmark
    @OperationsPerInvocation(N)
    public void nativeThreadFfm0() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.FFM0, STUB0, MemorySegment.NULL, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void nativeThreadFfm1() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.FFM1, STUB1, arg, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void nativeThreadFfm3() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.FFM3, STUB3, arg, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void nativeThreadJni0() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.JNI0, MemorySegment.NULL, MemorySegment.NULL, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void nativeThreadJni1() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.JNI1, MemorySegment.NULL, arg, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void nativeThreadJni3() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.JNI3, MemorySegment.NULL, arg, N);
    }

    /** Pitfall: AttachCurrentThread, FindClass, GetStaticMethodID, call, DetachCurrentThread, every time. */
    @Benchmark
    @OperationsPerInvocation(NAIVE_N)
    public void nativeThreadJniAttachEach() throws Throwable {
        WORKER_RUN.invokeExact(worker, Jni.JNI_ATTACH_EACH, MemorySegment.NULL, MemorySegment.NULL, NAIVE_N);
    }
}
