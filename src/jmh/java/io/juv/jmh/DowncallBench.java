package io.juv.jmh;

import io.juv.EventLoop;
import io.juv.internal.LibUv;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What one call from Java into C costs, by the shape of the call: no arguments, six longs, a
 * pointer and a length, a struct by value, a Java int[] summed in C; each through a plain FFM
 * downcall, a critical one ({@code Linker.Option.critical}) and JNI, against the same C functions
 * in native/ffi_shim.c (native/ffi_floor.c times them from C). And libuv's uv_now through
 * a plain handle (the one jextract's uv_h makes; benchmarks, like all code above io.juv.internal,
 * do not use the bindings), a critical handle, juv's own path ({@link EventLoop#now()}: thread check plus
 * juv's critical handle) and JNI. The shapes follow the JDK's own benchmarks
 * (test/micro/org/openjdk/bench/java/lang/foreign: CallOverheadConstant, CallOverheadByValue,
 * CriticalCalls); io.juv.bench.Ffi names the one each row mirrors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DowncallBench {

    /** The heap-array shape's length: CriticalCalls' smallest size, where the call's cost shows most. */
    static final int INTS = 100;

    static final MemoryLayout PAIR = MemoryLayout.structLayout(JAVA_LONG.withName("a"), JAVA_LONG.withName("b"));

    private static final FunctionDescriptor ARGS6 = FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor PTR_LEN = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor PAIR_SUM = FunctionDescriptor.of(JAVA_LONG, PAIR);
    private static final FunctionDescriptor SUM_INTS = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);

    private static final MethodHandle EMPTY = Native.shim("juvbench_empty", FunctionDescriptor.ofVoid());
    private static final MethodHandle EMPTY_CRITICAL = Native.shim("juvbench_empty", FunctionDescriptor.ofVoid(),
            Linker.Option.critical(false));
    private static final MethodHandle ARGS6_FFM = Native.shim("juvbench_args6", ARGS6);
    private static final MethodHandle ARGS6_CRITICAL = Native.shim("juvbench_args6", ARGS6, Linker.Option.critical(false));
    private static final MethodHandle PTR_LEN_FFM = Native.shim("juvbench_ptr_len", PTR_LEN);
    private static final MethodHandle PTR_LEN_CRITICAL = Native.shim("juvbench_ptr_len", PTR_LEN, Linker.Option.critical(false));
    private static final MethodHandle PAIR_FFM = Native.shim("juvbench_pair_sum", PAIR_SUM);
    private static final MethodHandle PAIR_CRITICAL = Native.shim("juvbench_pair_sum", PAIR_SUM, Linker.Option.critical(false));
    private static final MethodHandle SUM_INTS_FFM = Native.shim("juvbench_sum_ints", SUM_INTS);
    /** critical(true): the heap array is passed in place, pinned for the call. */
    private static final MethodHandle SUM_INTS_HEAP = Native.shim("juvbench_sum_ints", SUM_INTS, Linker.Option.critical(true));
    /** uint64_t uv_now(const uv_loop_t*), from the libuv juv loaded. */
    private static final MemorySegment UV_NOW = libuv("uv_now");
    private static final FunctionDescriptor NOW = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
    private static final MethodHandle NOW_FFM = Linker.nativeLinker().downcallHandle(UV_NOW, NOW);
    private static final MethodHandle NOW_CRITICAL = Linker.nativeLinker().downcallHandle(UV_NOW, NOW,
            Linker.Option.critical(false));

    private static MemorySegment libuv(String symbol) {
        LibUv.load(); // System.load, so that this class loader's lookup finds libuv's symbols
        return Native.symbol(symbol);
    }

    private EventLoop loop;
    private MemorySegment loopPtr;
    private long loopAddress;
    private Arena arena;
    private MemorySegment bytes;
    private long bytesAddress;
    private MemorySegment pair;
    private int[] ints;
    /** Reused native memory for the copy of {@link #ints} (CriticalCalls.callRecycled's allocator). */
    private SegmentAllocator recycler;
    // Fields, not constants, so that the JIT cannot fold the arguments away.
    long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;

    @Setup
    public void setUp() {
        loop = EventLoop.create(); // on this benchmark thread, which then owns it
        loopPtr = Native.loopOf(loop);
        loopAddress = loopPtr.address();
        arena = Arena.ofConfined();
        bytes = arena.allocate(64);
        bytes.set(JAVA_BYTE, 0, (byte) 1);
        bytesAddress = bytes.address();
        pair = arena.allocate(PAIR);
        pair.set(JAVA_LONG, 0, 40);
        pair.set(JAVA_LONG, 8, 2);
        ints = new int[INTS];
        for (int i = 0; i < INTS; i++) ints[i] = i;
        recycler = SegmentAllocator.prefixAllocator(arena.allocate(JAVA_INT, INTS));
    }

    @TearDown
    public void tearDown() {
        arena.close();
        loop.close();
    }

    // ---- no arguments

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

    // ---- six longs

    @Benchmark
    public void args6Ffm() throws Throwable {
        ARGS6_FFM.invokeExact(a, b, c, d, e, f);
    }

    @Benchmark
    public void args6FfmCritical() throws Throwable {
        ARGS6_CRITICAL.invokeExact(a, b, c, d, e, f);
    }

    @Benchmark
    public void args6Jni() {
        Jni.args6(a, b, c, d, e, f);
    }

    // ---- a pointer and a length

    @Benchmark
    public long ptrLenFfm() throws Throwable {
        return (long) PTR_LEN_FFM.invokeExact(bytes, 64L);
    }

    @Benchmark
    public long ptrLenFfmCritical() throws Throwable {
        return (long) PTR_LEN_CRITICAL.invokeExact(bytes, 64L);
    }

    @Benchmark
    public long ptrLenJni() {
        return Jni.ptrLen(bytesAddress, 64L);
    }

    // ---- a struct by value

    @Benchmark
    public long pairFfm() throws Throwable {
        return (long) PAIR_FFM.invokeExact(pair);
    }

    @Benchmark
    public long pairFfmCritical() throws Throwable {
        return (long) PAIR_CRITICAL.invokeExact(pair);
    }

    @Benchmark
    public long pairJni() {
        return Jni.pairSum(a, b);
    }

    // ---- a Java int[] summed in C

    /** Plain FFM cannot take heap memory: the array is copied into reused native memory first. */
    @Benchmark
    public int heapArrayFfmCopy() throws Throwable {
        MemorySegment copy = recycler.allocateFrom(JAVA_INT, ints);
        return (int) SUM_INTS_FFM.invokeExact(copy, INTS);
    }

    @Benchmark
    public int heapArrayFfmCritical() throws Throwable {
        return (int) SUM_INTS_HEAP.invokeExact(MemorySegment.ofArray(ints), INTS);
    }

    @Benchmark
    public int heapArrayJni() {
        return Jni.sumInts(ints, INTS);
    }

    // ---- libuv's uv_now

    @Benchmark
    public long uvNowFfm() throws Throwable {
        return (long) NOW_FFM.invokeExact(loopPtr);
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
