/*
 * libjuvbench.so: the native ends of the FFI benchmarks, so that JNI and FFM are measured
 * against the same C code.
 *
 * JNI (class io.juv.jmh.Jni): empty(), uvNow(long loop), uvHrtime(), callbackLoop(int n),
 * the last calling the static void Jni.onCallback() n times.
 * Plain C (for FFM downcalls and upcall stubs): juvbench_empty(), juvbench_call_n().
 */
#include <jni.h>
#include <stdint.h>
#include <uv.h>

/* ---- JNI ---- */

JNIEXPORT void JNICALL Java_io_juv_jmh_Jni_empty(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
}

JNIEXPORT jlong JNICALL Java_io_juv_jmh_Jni_uvNow(JNIEnv *env, jclass cls, jlong loop_address) {
    (void)env;
    (void)cls;
    return (jlong)uv_now((const uv_loop_t *)(intptr_t)loop_address);
}

JNIEXPORT jlong JNICALL Java_io_juv_jmh_Jni_uvHrtime(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return (jlong)uv_hrtime();
}

/* Looked up once: the benchmark is the upcall, not GetStaticMethodID. A jmethodID stays valid
 * while its class is loaded, and threads racing here all store the same value. */
static jmethodID on_callback;

JNIEXPORT void JNICALL Java_io_juv_jmh_Jni_callbackLoop(JNIEnv *env, jclass cls, jint n) {
    jmethodID method = on_callback;
    if (!method) {
        method = (*env)->GetStaticMethodID(env, cls, "onCallback", "()V");
        if (!method) return;  /* NoSuchMethodError is pending and surfaces in Java */
        on_callback = method;
    }
    for (jint i = 0; i < n; i++) {
        (*env)->CallStaticVoidMethod(env, cls, method);
        /* JNI forbids further calls with an exception pending: let it reach the caller. */
        if ((*env)->ExceptionCheck(env)) return;
    }
}

/* ---- plain C, for FFM ---- */

void juvbench_empty(void) {
}

/* Drives an FFM upcall stub n times from C, as libuv would call a callback: fn may be any
 * stub taking one pointer, juv's uv_timer_cb stub with a live timer handle included. */
void juvbench_call_n(void (*fn)(void *), void *arg, int n) {
    for (int i = 0; i < n; i++) fn(arg);
}
