package io.juv.jmh;

/** The JNI side of the FFI comparisons: native/ffi_shim.c, built into target/native/libjuvbench.so. */
public final class Jni {

    static {
        System.loadLibrary("juvbench");
    }

    private Jni() {}

    static native void empty();

    static native long uvNow(long loopAddress);

    static native long uvHrtime();

    /** Calls {@link #onCallback()} n times from C with CallStaticVoidMethod. */
    static native void callbackLoop(int n);

    static long callbacks;

    static void onCallback() {
        callbacks++;
    }
}
