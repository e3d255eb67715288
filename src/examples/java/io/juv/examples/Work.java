package io.juv.examples;

import io.juv.EventLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs N blocking jobs (each sleeps 50 ms, as a blocking call would) on juv's work pool, and
 * prints when all are done: how long it took and on how many worker threads. With the default
 * pool of 4 threads, 40 jobs take about 500 ms; {@code UV_THREADPOOL_SIZE=8} halves that.
 *
 * <pre>
 * make example NAME=work ARGS=40
 * </pre>
 *
 * <p>The jobs run on the workers ({@code juv-work-N}); their completions, and every line printed
 * here, on the loop's thread. Exits 0, or 2 for bad arguments.
 */
@Command(name = "work", description = "Runs N blocking jobs (50 ms sleeps) on juv's work pool and says how long they took.")
public final class Work implements Callable<Integer> {

    @Parameters(paramLabel = "N", description = "how many jobs, at least 1")
    private int jobs;

    private Work() {}

    public static void main(String[] args) {
        Cli.runAndExit(new Work(), args);
    }

    @Override
    public Integer call() {
        if (jobs < 1) throw Cli.usage("N must be at least 1: " + jobs);
        Set<String> workers = ConcurrentHashMap.newKeySet();
        EventLoop.start(loop -> {
            long start = System.nanoTime();
            int[] done = {0};
            System.out.println(jobs + " jobs on a pool of " + EventLoop.threadPoolSize() + " threads");
            for (int i = 0; i < jobs; i++) {
                loop.work(() -> {
                    workers.add(Thread.currentThread().getName());
                    Thread.sleep(Duration.ofMillis(50));
                    return null;
                }, (result, error) -> {
                    if (error != null) System.out.println("a job failed: " + error);
                    if (++done[0] == jobs) {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        System.out.println("all " + jobs + " jobs done in " + ms + " ms on " + workers.size()
                                + " worker threads (on the loop thread: " + loop.inLoopThread() + ")");
                    }
                });
            }
        });
        return 0;
    }
}
