package io.juv;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run in a JVM of its own by {@link WorkTest}: System.exit must end the process at once with
 * thread-pool work done and still in flight. {@code done}: 100 jobs and a DNS lookup (libuv's
 * pool threads exist) completed, then exit. {@code inflight}: as done, then jobs that never end
 * running on every worker, more queued, a lookup on libuv's pool, and exit while they wait.
 * Prints "exiting" just before System.exit(3); the parent checks the exit code and the time.
 */
public final class WorkExitMain {

    private WorkExitMain() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("size")) {
            poolSize(Integer.parseInt(args[1]));
            return;
        }
        boolean inflight = args[0].equals("inflight");
        CountDownLatch ready = new CountDownLatch(1);
        Thread loopThread = new Thread(() -> EventLoop.start(loop -> {
            int[] done = {0};
            loop.lookup("localhost").whenComplete((a, e) -> { });
            for (int i = 0; i < 100; i++) {
                loop.work(() -> i2(), (r, e) -> {
                    if (++done[0] == 100) {
                        if (inflight) {
                            int workers = EventLoop.threadPoolSize();
                            for (int j = 0; j < workers + 3; j++) {
                                loop.work(() -> {
                                    Thread.sleep(Duration.ofHours(1));
                                    return null;
                                });
                            }
                            loop.lookup("localhost");
                        }
                        // The loop keeps running (an hour-long job, or this interval): exit comes from main.
                        loop.interval(Duration.ofSeconds(1), t -> { });
                        ready.countDown();
                    }
                });
            }
        }), "work-exit-loop");
        loopThread.setDaemon(false);
        loopThread.start();
        if (!ready.await(20, TimeUnit.SECONDS)) {
            System.out.println("the jobs did not complete");
            System.exit(1);
        }
        Thread.sleep(100); // let the workers pick up the hour-long jobs
        System.out.println("exiting");
        System.out.flush();
        System.exit(3);
    }

    /**
     * {@code size N}: sets the pool's size before first use, runs 4N jobs that each wait until N
     * run at once, and prints "ok N workers" when exactly N distinct workers ran them.
     */
    private static void poolSize(int n) {
        EventLoop.threadPoolSize(n);
        java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(n);
        EventLoop.start(loop -> {
            for (int i = 0; i < 4 * n; i++) {
                loop.work(() -> {
                    names.add(Thread.currentThread().getName());
                    return together.await(10, TimeUnit.SECONDS);
                }, (r, e) -> {
                    if (e != null) throw new AssertionError("a job failed", e);
                });
            }
        });
        try {
            EventLoop.threadPoolSize(n + 1);
            throw new AssertionError("the size could be set after the pool started");
        } catch (IllegalStateException expected) {
            // fixed at first use
        }
        if (names.size() != n) throw new AssertionError(names.size() + " workers, not " + n + ": " + names);
        System.out.println("ok " + n + " workers");
    }

    private static int i2() throws InterruptedException {
        Thread.sleep(1);
        return 2;
    }
}
