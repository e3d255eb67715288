package io.juv.internal;

import java.lang.foreign.Arena;

/**
 * libuv's thread pool, shared by every loop of the process: DNS lookups, file operations and
 * queued work all run on it. libuv reads its size (UV_THREADPOOL_SIZE, default 4, at most 1024)
 * once, when the pool first starts, so a size can only be set before juv first uses it.
 */
public final class ThreadPool {

    private static boolean used;
    private static int size;

    private ThreadPool() {}

    /** Called before anything is queued on the pool. */
    public static synchronized void use() {
        used = true;
    }

    public static synchronized void size(int threads) {
        if (threads < 1 || threads > 1024) throw new IllegalArgumentException("thread pool size must be 1..1024: " + threads);
        if (used) throw new IllegalStateException("juv: libuv's thread pool has started; set its size before the first lookup, file operation or work");
        LibUv.load();
        try (Arena arena = Arena.ofConfined()) {
            Errors.check(Uv.osSetenv(arena.allocateFrom("UV_THREADPOOL_SIZE"), arena.allocateFrom(Integer.toString(threads))));
        }
        size = threads;
    }

    /** The size set, or what the environment says, or libuv's default of 4. */
    public static synchronized int size() {
        if (size > 0) return size;
        String env = System.getenv("UV_THREADPOOL_SIZE");
        try {
            int n = env == null ? 4 : Integer.parseInt(env.trim());
            return Math.max(1, Math.min(1024, n));
        } catch (NumberFormatException e) {
            return 4;
        }
    }
}
