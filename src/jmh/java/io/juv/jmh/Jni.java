package io.juv.jmh;

/**
 * The JNI side of the FFI comparisons: native/ffi_shim.c, built into target/native/libjuvbench.so.
 * The C side caches this class (a global reference) and its callbacks' method ids once, in
 * {@link #init()}: the good JNI baseline. The naive forms are upcall kinds of their own.
 */
public final class Jni {

    /** Upcall kinds, as native/ffi_shim.c numbers them (enum kind). */
    static final int FFM0 = 0, FFM1 = 1, FFM3 = 2, JNI0 = 3, JNI1 = 4, JNI3 = 5, JNI_NAIVE = 6, JNI_ATTACH_EACH = 7;

    static {
        System.loadLibrary("juvbench");
        init();
    }

    private Jni() {}

    /** Makes sure the library is loaded (and so its plain C functions visible to the loader lookup). */
    static void load() {}

    private static native void init();

    static native void empty();

    static native void args6(long a, long b, long c, long d, long e, long f);

    static native long ptrLen(long address, long length);

    /** JNI has no struct by value: the two fields of juvbench_pair, passed as they are. */
    static native long pairSum(long a, long b);

    /** Through GetPrimitiveArrayCritical. */
    static native int sumInts(int[] array, int n);

    static native long uvNow(long loopAddress);

    static native long uvHrtime();

    /** n upcalls of one JNI kind from this (JVM) thread: JNI0, JNI1, JNI3 or JNI_NAIVE; CallStaticVoidMethod. */
    static native void upcalls(int kind, long arg, int n);

    static long callbacks;

    static void cb0() {
        callbacks++;
    }

    static void cb1(long handle) {
        callbacks++;
    }

    static void cb3(long handle, long n, long buf) {
        callbacks++;
    }
}
