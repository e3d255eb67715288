package io.juv.net;

import io.juv.EventLoop;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a JVM of its own by {@link DnsTest} (libuv's thread pool is one per process and starts
 * once): {@code set N} sets the pool's size to N before the first lookup, {@code env N} expects N
 * from UV_THREADPOOL_SIZE in the environment. Either way it then runs lookups, counts the pool's
 * threads, checks that the size can no longer be set, and prints "ok"; anything else exits 1.
 */
public final class ThreadPoolCheck {

    /** The loop's thread: libuv's workers are started from it, and on Linux inherit its name (before 1.50). */
    static final String LOOP_THREAD = "juv-pool-probe";

    private ThreadPoolCheck() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int size = Integer.parseInt(args[1]);
        if (mode.equals("set")) {
            check(EventLoop.threadPoolSize() == 4, "libuv's default of 4 before any set, not " + EventLoop.threadPoolSize());
            refused(IllegalArgumentException.class, () -> EventLoop.threadPoolSize(0));
            refused(IllegalArgumentException.class, () -> EventLoop.threadPoolSize(1025));
            EventLoop.threadPoolSize(size + 1);
            EventLoop.threadPoolSize(size); // before the pool starts, the last set wins
        }
        check(EventLoop.threadPoolSize() == size, "size " + size + " before the first lookup, not " + EventLoop.threadPoolSize());

        int[] workers = {-1};
        Throwable[] failed = {null};
        Thread loopThread = new Thread(() -> {
            try {
                EventLoop.start(loop -> {
                    // More lookups than threads, so that every worker is needed.
                    List<java.util.concurrent.CompletableFuture<?>> all = new ArrayList<>();
                    for (int i = 0; i < 2 * size + 2; i++) all.add(loop.lookup("localhost"));
                    all.add(loop.reverseLookup(InetAddress.getLoopbackAddress()));
                    java.util.concurrent.CompletableFuture.allOf(all.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                            .whenComplete((v, e) -> {
                                if (e != null) failed[0] = e;
                                workers[0] = poolThreads();
                            });
                });
            } catch (Throwable t) {
                failed[0] = t;
            }
        }, LOOP_THREAD);
        loopThread.start();
        loopThread.join(20_000);
        check(!loopThread.isAlive(), "the lookups did not finish");
        if (failed[0] != null) throw new AssertionError("a lookup failed", failed[0]);
        // -1: not Linux, where threads cannot be counted by name.
        if (workers[0] >= 0) check(workers[0] == size, "the pool has " + workers[0] + " threads, not " + size);

        refused(IllegalStateException.class, () -> EventLoop.threadPoolSize(size + 1));
        check(EventLoop.threadPoolSize() == size, "the size is still " + size + " after a refused set, not " + EventLoop.threadPoolSize());
        System.out.println("ok: " + size + " threads" + (workers[0] >= 0 ? ", counted" : ", not counted here"));
    }

    /**
     * libuv's worker threads, by name on Linux: "libuv-worker" from libuv 1.50, before it the
     * name of the thread that started the pool (this loop's, less itself). -1 elsewhere.
     */
    static int poolThreads() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return -1;
        int named = 0, inherited = 0;
        try (DirectoryStream<Path> each = Files.newDirectoryStream(tasks)) {
            for (Path task : each) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).trim();
                } catch (IOException gone) {
                    continue; // a thread that ended meanwhile
                }
                if (name.equals("libuv-worker")) named++;
                else if (name.equals(LOOP_THREAD)) inherited++;
            }
        } catch (IOException e) {
            return -1;
        }
        return named > 0 ? named : inherited - 1;
    }

    private static void refused(Class<? extends RuntimeException> expected, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            check(expected.isInstance(e), "expected " + expected.getSimpleName() + ", got " + e);
            return;
        }
        throw new AssertionError("expected " + expected.getSimpleName() + ", nothing thrown");
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
