package io.juv.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The cold side of the FFI report: what the first calls cost, before the JIT has compiled them.
 * One measurement per JVM, so io.juv.bench.Ffi runs this in fresh JVMs, several times each, and
 * prints one line: {@code link_ns=... first_ns=... next_ns=...}, where link is making the handle or
 * stub (FFM; JNI links at the first call), first the first call, and next the mean of the
 * following --calls calls (interpreted, then C1). The library is loaded before anything is timed,
 * and what drives an upcall (a downcall or a JNI method) has run once with a C callback or none,
 * so that the first upcall is the upcall's own cost.
 *
 * <pre>
 * --what downcall-ffm | downcall-ffm-critical | downcall-jni | upcall-ffm | upcall-jni
 *        | thread-ffm | thread-jni   (a fresh pthread per measurement: its first upcall attaches it;
 *                                     prints thread_ns, the whole thread as the caller saw it, for link_ns)
 * --calls N      calls after the first (default 1000)
 * --threads N    for thread-*: fresh threads one after another; prints one line per thread
 * </pre>
 */
public final class ColdCalls {

    private ColdCalls() {}

    public static void main(String[] args) throws Throwable {
        String what = null;
        int calls = 1000, threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--what" -> what = args[++i];
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (what == null) throw new IllegalArgumentException("--what is required");
        Jni.load();
        switch (what) {
            case "downcall-ffm" -> downcall(calls);
            case "downcall-ffm-critical" -> downcall(calls, Linker.Option.critical(false));
            case "downcall-jni" -> {
                long t0 = System.nanoTime();
                Jni.empty();
                long t1 = System.nanoTime();
                for (int i = 0; i < calls; i++) Jni.empty();
                long t2 = System.nanoTime();
                print(Double.NaN, t1 - t0, (t2 - t1) / (double) calls);
            }
            case "upcall-ffm" -> {
                MethodHandle callN = Native.shim("juvbench_call_n", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
                MemorySegment cCallback = Native.symbol("juvbench_c_cb1");
                for (int i = 0; i < 2; i++) callN.invokeExact(cCallback, MemorySegment.NULL, 1);
                long t0 = System.nanoTime();
                MemorySegment stub = UpcallBench.stub("bare1",
                        MethodType.methodType(void.class, MemorySegment.class), UpcallBench.CB1);
                long t1 = System.nanoTime();
                callN.invokeExact(stub, MemorySegment.NULL, 1);
                long t2 = System.nanoTime();
                callN.invokeExact(stub, MemorySegment.NULL, calls);
                long t3 = System.nanoTime();
                print(t1 - t0, t2 - t1, (t3 - t2) / (double) calls);
            }
            case "upcall-jni" -> {
                Jni.upcalls(Jni.JNI1, 0, 0); // links the native method, makes no upcall
                long t0 = System.nanoTime();
                Jni.upcalls(Jni.JNI1, 0, 1);
                long t1 = System.nanoTime();
                Jni.upcalls(Jni.JNI1, 0, calls);
                long t2 = System.nanoTime();
                print(Double.NaN, t1 - t0, (t2 - t1) / (double) calls);
            }
            case "thread-ffm", "thread-jni" -> freshThreads(what.equals("thread-ffm"), calls, threads);
            default -> throw new IllegalArgumentException("unknown --what " + what);
        }
    }

    private static void downcall(int calls, Linker.Option... options) throws Throwable {
        long t0 = System.nanoTime();
        MethodHandle empty = Native.shim("juvbench_empty", FunctionDescriptor.ofVoid(), options);
        long t1 = System.nanoTime();
        empty.invokeExact();
        long t2 = System.nanoTime();
        for (int i = 0; i < calls; i++) empty.invokeExact();
        long t3 = System.nanoTime();
        print(t1 - t0, t2 - t1, (t3 - t2) / (double) calls);
    }

    /** The shim times each fresh thread itself: its first upcall (for JNI with the attach) and the next calls. */
    private static void freshThreads(boolean ffm, int calls, int threads) throws Throwable {
        MethodHandle fresh = Native.shim("juvbench_fresh_thread",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        MemorySegment stub = ffm ? UpcallBench.STUB1 : MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_DOUBLE, 2);
            for (int t = 0; t < threads; t++) {
                long t0 = System.nanoTime();
                int rc = (int) fresh.invokeExact(ffm ? Jni.FFM1 : Jni.JNI1, stub, MemorySegment.ofAddress(0x1000), calls, out);
                long t1 = System.nanoTime();
                if (rc != 0) throw new IllegalStateException("no thread");
                double[] r = out.toArray(JAVA_DOUBLE);
                // thread: the whole fresh thread, made, run and joined, as the JVM thread saw it
                System.out.println("thread_ns=" + (t1 - t0) + " first_ns=" + r[0] + " next_ns=" + r[1]);
            }
        }
    }

    private static void print(double linkNs, double firstNs, double nextNs) {
        System.out.println("link_ns=" + linkNs + " first_ns=" + firstNs + " next_ns=" + nextNs);
    }
}
