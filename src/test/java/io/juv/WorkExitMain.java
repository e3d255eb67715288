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

    private static int i2() throws InterruptedException {
        Thread.sleep(1);
        return 2;
    }
}
