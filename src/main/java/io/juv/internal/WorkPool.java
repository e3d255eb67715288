package io.juv.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@code io.juv.Work} runs Java jobs by default: Java threads, never libuv's pool threads.
 *
 * <p>Why not {@code uv_queue_work} with an upcall as its work callback: a native thread that runs
 * an FFM upcall is attached to the JVM, and stays attached until it ends; the JVM detaches it
 * from a thread-local destructor as it ends. libuv ends and joins its pool threads at process
 * exit (uv_library_shutdown, an ELF destructor, after System.exit has shut the VM down), and
 * there the detach blocks for good (JDK-8391662; LWJGL issue 1140): System.exit hangs. Tried
 * here with Temurin 25.0.3 and libuv 1.44.2 and 1.50: eight uv_queue_work requests whose work
 * callback is an upcall stub doing nothing, run to completion, then System.exit(0): the process
 * never ends. A job still running at exit would hang it as well. juv has no JNI
 * code to detach a thread itself, and none can detach while inside an upcall. And the loop's
 * table that upcalls resolve their handle with is the loop thread's alone, which a pool thread
 * must not touch. So no Java code ever runs on a libuv thread, and libuv's pool stays what it
 * is for: its own native work (DNS lookups, file operations), which Java jobs then cannot
 * starve either.
 *
 * <p>The pool has as many threads as libuv's (UV_THREADPOOL_SIZE, {@link ThreadPool}; one knob,
 * set before the first use of either), made on demand, named {@code juv-work-N}, daemons: they
 * never keep the JVM from exiting, and a job still running at System.exit simply stops with the VM.
 */
public final class WorkPool {

    private WorkPool() {}

    private static volatile ThreadPoolExecutor shared;

    /** The process's pool, started (and the thread pool size fixed) on first use. */
    public static ThreadPoolExecutor shared() {
        ThreadPoolExecutor p = shared;
        if (p != null) return p;
        synchronized (WorkPool.class) {
            if (shared == null) {
                ThreadPool.use();
                int n = ThreadPool.size();
                AtomicInteger count = new AtomicInteger();
                ThreadFactory threads = r -> {
                    Thread t = new Thread(r, "juv-work-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
                shared = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
            }
            return shared;
        }
    }

    /** Takes a job that has not started out of the shared pool's queue; false if it is not there. */
    public static boolean remove(Runnable job) {
        ThreadPoolExecutor p = shared;
        return p != null && p.remove(job);
    }
}
