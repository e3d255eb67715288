/*
 * libjuvbench.so: the native ends of the FFI benchmarks, so that JNI, FFM and plain C
 * (native/ffi_floor.c) are measured against the same C code.
 *
 * Downcall shapes (each a plain C function for FFM and C, and a JNI twin): no arguments, six
 * int64s, a pointer and a length, a struct by value, an int array summed (the heap-array shape).
 * Upcall shapes (0, 1 and 3 arguments, the last like libuv's uv_read_cb: a handle, a count, a
 * buffer): C loops calling a function pointer, from the caller's thread or from a pthread made
 * here (a worker kept for the steady state, or a fresh thread per measurement for the first call,
 * when the JVM attaches the thread). JNI upcalls cache their class, method ids and, on a native
 * thread, the JNIEnv from one AttachCurrentThread; the naive forms (FindClass and GetStaticMethodID
 * per call; attach and detach per call) exist only as the pitfall they are.
 */
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

/* ---- the C functions: FFM's targets and the C floor's ---- */

void juvbench_empty(void) {
}

void juvbench_args6(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
    (void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
}

/* Reads one byte, so the pointer is used; the call is the cost measured, not the bytes. */
int64_t juvbench_ptr_len(const uint8_t *p, size_t len) {
    return len ? p[0] + (int64_t)len : 0;
}

/* Sixteen bytes: passed in two registers on x86-64 System V and AArch64. */
struct juvbench_pair { int64_t a, b; };

int64_t juvbench_pair_sum(struct juvbench_pair p) {
    return p.a + p.b;
}

/* The shape of the JDK's CriticalCalls.sum_ints. */
int32_t juvbench_sum_ints(const int32_t *a, int32_t n) {
    int32_t s = 0;
    for (int32_t i = 0; i < n; i++) s += a[i];
    return s;
}

typedef void (*cb0_t)(void);
typedef void (*cb1_t)(void *);
typedef void (*cb3_t)(void *, int64_t, const void *);

void juvbench_call_n0(cb0_t fn, int n) {
    for (int i = 0; i < n; i++) fn();
}

/* Drives an FFM upcall stub n times from C, as libuv would call a callback: fn may be any
 * stub taking one pointer, juv's uv_timer_cb stub with a live timer handle included. */
void juvbench_call_n(cb1_t fn, void *arg, int n) {
    for (int i = 0; i < n; i++) fn(arg);
}

void juvbench_call_n3(cb3_t fn, void *arg, int n) {
    for (int i = 0; i < n; i++) fn(arg, i, arg);
}

/* The C floor's callbacks: what an upcall costs when the other side is C. */
void juvbench_c_cb0(void) {
}

void juvbench_c_cb1(void *p) {
    (void)p;
}

void juvbench_c_cb3(void *p, int64_t n, const void *buf) {
    (void)p; (void)n; (void)buf;
}

/* ---- JNI: downcalls ---- */

JNIEXPORT void JNICALL Java_io_juv_jmh_Jni_empty(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
}

JNIEXPORT void JNICALL Java_io_juv_jmh_Jni_args6(JNIEnv *env, jclass cls, jlong a, jlong b, jlong c, jlong d,
                                                 jlong e, jlong f) {
    (void)env; (void)cls;
    juvbench_args6(a, b, c, d, e, f);
}

JNIEXPORT jlong JNICALL Java_io_juv_jmh_Jni_ptrLen(JNIEnv *env, jclass cls, jlong address, jlong len) {
    (void)env; (void)cls;
    return juvbench_ptr_len((const uint8_t *)(intptr_t)address, (size_t)len);
}

/* JNI has no struct by value: its nearest form passes the fields. */
JNIEXPORT jlong JNICALL Java_io_juv_jmh_Jni_pairSum(JNIEnv *env, jclass cls, jlong a, jlong b) {
    (void)env; (void)cls;
    struct juvbench_pair p = { a, b };
    return juvbench_pair_sum(p);
}

/* JNI's fastest way to a Java array: GetPrimitiveArrayCritical (no copy where the GC can pin). */
JNIEXPORT jint JNICALL Java_io_juv_jmh_Jni_sumInts(JNIEnv *env, jclass cls, jintArray array, jint n) {
    (void)cls;
    jint *a = (*env)->GetPrimitiveArrayCritical(env, array, NULL);
    if (!a) return 0; /* OutOfMemoryError pending */
    jint s = juvbench_sum_ints(a, n);
    (*env)->ReleasePrimitiveArrayCritical(env, array, a, JNI_ABORT);
    return s;
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

/* ---- JNI: upcalls ---- */

/* Set once by Jni.init (Jni's static initializer): the benchmark is the upcall, not the lookup.
 * A global reference keeps the class (and so the method ids) valid on any thread. */
static JavaVM *vm;
static jclass jni_class;
static jmethodID on_callback0, on_callback1, on_callback3;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *jvm, void *reserved) {
    (void)reserved;
    vm = jvm;
    return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL Java_io_juv_jmh_Jni_init(JNIEnv *env, jclass cls) {
    jni_class = (*env)->NewGlobalRef(env, cls);
    on_callback0 = (*env)->GetStaticMethodID(env, cls, "cb0", "()V");
    if (!on_callback0) return; /* NoSuchMethodError is pending and surfaces in Java */
    on_callback1 = (*env)->GetStaticMethodID(env, cls, "cb1", "(J)V");
    if (!on_callback1) return;
    on_callback3 = (*env)->GetStaticMethodID(env, cls, "cb3", "(JJJ)V");
}

enum kind { FFM0, FFM1, FFM3, JNI0, JNI1, JNI3, JNI_NAIVE, JNI_ATTACH_EACH };

/* n upcalls of one kind on the current thread, whose JNIEnv (for the JNI kinds) is env.
 * JNI forbids further calls with an exception pending: the loop stops and leaves it there. */
static void upcalls(JNIEnv *env, int kind, void *fn, void *arg, int n) {
    switch (kind) {
    case FFM0: juvbench_call_n0((cb0_t)fn, n); break;
    case FFM1: juvbench_call_n((cb1_t)fn, arg, n); break;
    case FFM3: juvbench_call_n3((cb3_t)fn, arg, n); break;
    case JNI0:
        for (int i = 0; i < n && !(*env)->ExceptionCheck(env); i++)
            (*env)->CallStaticVoidMethod(env, jni_class, on_callback0);
        break;
    case JNI1:
        for (int i = 0; i < n && !(*env)->ExceptionCheck(env); i++)
            (*env)->CallStaticVoidMethod(env, jni_class, on_callback1, (jlong)(intptr_t)arg);
        break;
    case JNI3:
        for (int i = 0; i < n && !(*env)->ExceptionCheck(env); i++)
            (*env)->CallStaticVoidMethod(env, jni_class, on_callback3, (jlong)(intptr_t)arg, (jlong)i,
                                         (jlong)(intptr_t)arg);
        break;
    case JNI_NAIVE: /* the pitfall: a lookup per call */
        for (int i = 0; i < n; i++) {
            jclass cls = (*env)->FindClass(env, "io/juv/jmh/Jni");
            if (!cls) return;
            jmethodID m = (*env)->GetStaticMethodID(env, cls, "cb0", "()V");
            if (!m) return;
            (*env)->CallStaticVoidMethod(env, cls, m);
            (*env)->DeleteLocalRef(env, cls);
            if ((*env)->ExceptionCheck(env)) return;
        }
        break;
    case JNI_ATTACH_EACH: /* the pitfall on a native thread: attach, look up, call, detach, each time */
        for (int i = 0; i < n; i++) {
            JNIEnv *e;
            if ((*vm)->AttachCurrentThread(vm, (void **)&e, NULL) != JNI_OK) return;
            jclass cls = (*e)->FindClass(e, "io/juv/jmh/Jni");
            jmethodID m = cls ? (*e)->GetStaticMethodID(e, cls, "cb0", "()V") : NULL;
            if (m) (*e)->CallStaticVoidMethod(e, cls, m);
            if ((*e)->ExceptionCheck(e)) (*e)->ExceptionClear(e);
            (*vm)->DetachCurrentThread(vm);
            if (!m) return;
        }
        break;
    }
}

/* Upcalls from the JVM thread that called in: kind is JNI0, JNI1, JNI3 or JNI_NAIVE. */
JNIEXPORT void JNICALL Java_io_juv_jmh_Jni_upcalls(JNIEnv *env, jclass cls, jint kind, jlong arg, jint n) {
    (void)cls;
    upcalls(env, kind, NULL, (void *)(intptr_t)arg, n);
}

/* ---- native threads ---- */

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int is_jni(int kind) {
    return kind >= JNI0 && kind <= JNI3;
}

/* A thread the JVM did not make, kept for the steady state: the JMH thread hands it a job and
 * waits (the hand-off is a few microseconds, spread over thousands of upcalls). A JNI job
 * attaches it once and keeps its JNIEnv; FFM attaches it itself at the first upcall. */
struct worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int has_job, quit;
    int kind, n;
    void *fn, *arg;
    JNIEnv *env;
};

static void *worker_main(void *p) {
    struct worker *w = p;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->has_job && !w->quit) pthread_cond_wait(&w->changed, &w->lock);
        if (w->quit) break;
        pthread_mutex_unlock(&w->lock);
        if (is_jni(w->kind) && !w->env) (*vm)->AttachCurrentThread(vm, (void **)&w->env, NULL);
        if (w->kind == JNI_ATTACH_EACH && w->env) { /* its detach would leave w->env dangling */
            (*vm)->DetachCurrentThread(vm);
            w->env = NULL;
        }
        upcalls(w->env, w->kind, w->fn, w->arg, w->n);
        pthread_mutex_lock(&w->lock);
        w->has_job = 0;
        pthread_cond_broadcast(&w->changed);
    }
    pthread_mutex_unlock(&w->lock);
    if (w->env) (*vm)->DetachCurrentThread(vm);
    return NULL;
}

struct worker *juvbench_worker_start(void) {
    struct worker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

/* Runs n upcalls of one kind on the worker and returns when they are done. */
void juvbench_worker_run(struct worker *w, int kind, void *fn, void *arg, int n) {
    pthread_mutex_lock(&w->lock);
    w->kind = kind;
    w->fn = fn;
    w->arg = arg;
    w->n = n;
    w->has_job = 1;
    pthread_cond_broadcast(&w->changed);
    while (w->has_job) pthread_cond_wait(&w->changed, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void juvbench_worker_stop(struct worker *w) {
    pthread_mutex_lock(&w->lock);
    w->quit = 1;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* A fresh thread, for the first call: it times its first upcall (for FFM the JVM attaches the
 * thread inside it; for JNI the AttachCurrentThread before it is counted in), then n more,
 * and writes both into out[0] (ns, first) and out[1] (ns per call, of the n). */
struct fresh {
    int kind, n;
    void *fn, *arg;
    double *out;
};

static void *fresh_main(void *p) {
    struct fresh *f = p;
    JNIEnv *env = NULL;
    int64_t t0 = now_ns();
    if (is_jni(f->kind)) (*vm)->AttachCurrentThread(vm, (void **)&env, NULL);
    upcalls(env, f->kind, f->fn, f->arg, 1);
    int64_t t1 = now_ns();
    upcalls(env, f->kind, f->fn, f->arg, f->n);
    int64_t t2 = now_ns();
    if (env) (*vm)->DetachCurrentThread(vm);
    f->out[0] = (double)(t1 - t0);
    f->out[1] = f->n > 0 ? (double)(t2 - t1) / f->n : 0;
    return NULL;
}

/* 0, or -1 if no thread could be made. */
int juvbench_fresh_thread(int kind, void *fn, void *arg, int n, double *out) {
    struct fresh f = { kind, n, fn, arg, out };
    pthread_t t;
    if (pthread_create(&t, NULL, fresh_main, &f) != 0) return -1;
    pthread_join(t, NULL);
    return 0;
}
