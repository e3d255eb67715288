package io.juv.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * libuv's thread pool, shared by every loop of the process: DNS lookups, file operations and
 * queued work all run on it. libuv reads its size (UV_THREADPOOL_SIZE, default 4, at most 1024)
 * from the environment once, when the pool first starts, so a size can only be set before juv
 * first uses it.
 */
public final class ThreadPool {

    private static final String VARIABLE = "UV_THREADPOOL_SIZE";
    private static final int DEFAULT = 4, MAX = 1024;

    /** The size the pool started with; 0 until juv first queued something on it. */
    private static int started;

    private ThreadPool() {}

    /** Called before anything is queued on the pool: from then on its size is what it is. */
    public static synchronized void use() {
        if (started == 0) started = fromEnvironment();
    }

    public static synchronized void size(int threads) {
        if (threads < 1 || threads > MAX) throw new IllegalArgumentException("thread pool size must be 1.." + MAX + ": " + threads);
        if (started != 0) {
            throw new IllegalStateException("juv: libuv's thread pool has started with " + started
                    + " threads; set its size before the first lookup, file operation or work");
        }
        LibUv.load();
        try (Arena arena = Arena.ofConfined()) {
            Errors.check(Uv.osSetenv(arena.allocateFrom(VARIABLE), arena.allocateFrom(Integer.toString(threads))));
        }
    }

    /** The pool's size: the one it started with, else the one it will start with. */
    public static synchronized int size() {
        return started != 0 ? started : fromEnvironment();
    }

    /**
     * What libuv will make of UV_THREADPOOL_SIZE, read as libuv reads it: the process's environment
     * now (System.getenv is the JVM's snapshot from its start, blind to uv_os_setenv), through
     * atoi, 0 becoming 1 and anything above 1024 (a negative number too, as libuv's is unsigned) 1024.
     */
    private static int fromEnvironment() {
        LibUv.load();
        String value = getenv();
        if (value == null) return DEFAULT;
        long n = leadingInteger(value);
        if (n == 0) return 1;
        return n < 0 || n > MAX ? MAX : (int) n;
    }

    private static String getenv() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(VARIABLE);
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG); // size_t
            for (long capacity = 64; ; ) {
                MemorySegment buffer = arena.allocate(capacity);
                size.set(ValueLayout.JAVA_LONG, 0, capacity);
                int rc = Uv.osGetenv(name, buffer, size);
                if (rc == 0) return buffer.getString(0);
                String error = Errors.of(rc).errorName();
                if (error.equals("ENOENT")) return null; // not set
                if (!error.equals("ENOBUFS")) throw Errors.of(rc);
                capacity = size.get(ValueLayout.JAVA_LONG, 0) + 1;
            }
        }
    }

    /** C's atoi: optional blanks and sign, then digits, up to the first other character. */
    private static long leadingInteger(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        long n = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && n <= MAX) n = n * 10 + (s.charAt(i++) - '0');
        return negative ? -n : n;
    }
}
