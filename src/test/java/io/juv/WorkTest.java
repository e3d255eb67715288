package io.juv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thread-pool work: which thread runs what, completion on the loop, cancel, close, and System.exit. */
@Timeout(60)
class WorkTest {

    @Test
    void aThousandJobsRunOnWorkersAndAllCompleteOnTheLoopThread() {
        int jobs = 1000;
        Set<String> workerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int[] callbacks = {0}, futures = {0}, offLoop = {0}, wrongResults = {0};
        Thread[] loopThread = new Thread[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(30));
            loopThread[0] = Thread.currentThread();
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                int n = i;
                Work<Integer> w = loop.work(() -> {
                    if (Thread.currentThread() == loopThread[0]) throw new AssertionError("a job ran on the loop thread");
                    workerThreads.add(Thread.currentThread().getName());
                    return n * 2;
                }, (result, error) -> {
                    if (!loop.inLoopThread()) offLoop[0]++;
                    if (error != null || result != n * 2) wrongResults[0]++;
                    callbacks[0]++;
                });
                all.add(w.future().thenApply(r -> {
                    if (!loop.inLoopThread()) offLoop[0]++;
                    futures[0]++;
                    return r;
                }));
            }
            assertEquals(jobs, loop.stats().pendingRequests(), "jobs in flight count as pending requests");
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> wd[0].cancel());
        });
        wd[0].assertNotFired();
        assertEquals(jobs, callbacks[0]);
        assertEquals(jobs, futures[0]);
        assertEquals(0, offLoop[0], "completions off the loop thread");
        assertEquals(0, wrongResults[0]);
        assertFalse(workerThreads.isEmpty());
        assertTrue(workerThreads.stream().allMatch(n -> n.startsWith("juv-work-")), workerThreads::toString);
        assertTrue(workerThreads.size() <= EventLoop.threadPoolSize(), workerThreads + " for a pool of " + EventLoop.threadPoolSize());
    }

    @Test
    void theLoopWaitsForWorkInFlightAndTheCallbackRunsBeforeTheFuture() {
        List<String> events = new ArrayList<>();
        Loops.run(loop -> {
            Work<String> w = loop.work(() -> {
                Thread.sleep(100);
                return "slept";
            }, (r, e) -> events.add("callback " + r));
            w.future().thenAccept(r -> events.add("future " + r));
            events.add("submitted");
        });
        assertEquals(List.of("submitted", "callback slept", "future slept"), events);
    }

    @Test
    void aJobThatThrowsCompletesWithWhatItThrew() {
        Throwable[] seen = new Throwable[2];
        Loops.run(loop -> {
            Work<Object> w = loop.work(() -> {
                throw new java.io.IOException("disk on fire");
            }, (r, e) -> {
                assertNull(r);
                seen[0] = e;
            });
            w.future().whenComplete((r, e) -> seen[1] = e);
        });
        assertInstanceOf(java.io.IOException.class, seen[0]);
        assertEquals("disk on fire", seen[0].getMessage());
        assertSame(seen[0], seen[1]);
    }

    @Test
    void aCallbackThatThrowsGoesToTheErrorPolicyAndTheFutureStillCompletes() {
        List<Throwable> caught = new ArrayList<>();
        Integer[] result = new Integer[1];
        Loops.run(loop -> {
            loop.catchErrors(caught::add);
            loop.work(() -> 7, (r, e) -> {
                throw new IllegalStateException("from the callback");
            }).future().thenAccept(r -> result[0] = r);
        });
        assertEquals(1, caught.size());
        assertEquals("from the callback", caught.getFirst().getMessage());
        assertEquals(7, result[0]);
    }

    @Test
    void aQueuedJobCancelsWithCanceledAndNeverRuns() throws Exception {
        int workers = EventLoop.threadPoolSize();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch allBusy = new CountDownLatch(workers);
        boolean[] ranAnyway = {false};
        Throwable[] cancelled = new Throwable[2];
        int[] blockersDone = {0};
        boolean[] cancelReturned = new boolean[2];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(20));
            // Every worker busy, so the next job waits in the queue.
            for (int i = 0; i < workers; i++) {
                loop.work(() -> {
                    allBusy.countDown();
                    return release.await(15, TimeUnit.SECONDS);
                }, (r, e) -> blockersDone[0]++);
            }
            Work<String> queued = loop.work(() -> {
                ranAnyway[0] = true;
                return "ran";
            }, (r, e) -> cancelled[0] = e);
            queued.future().whenComplete((r, e) -> cancelled[1] = e);
            try {
                assertTrue(allBusy.await(10, TimeUnit.SECONDS), "the workers did not all start");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            cancelReturned[0] = queued.cancel();
            cancelReturned[1] = queued.cancel(); // once is enough
            assertTrue(queued.isCancelled());
            assertFalse(queued.isDone(), "the cancellation completes later, not inside cancel()");
            assertNull(cancelled[0]);
            loop.delay(Duration.ofMillis(20), () -> {
                release.countDown();
                wd[0].cancel();
            });
        });
        wd[0].assertNotFired();
        assertTrue(cancelReturned[0]);
        assertFalse(cancelReturned[1]);
        UvException e = assertInstanceOf(UvException.class, cancelled[0]);
        assertEquals(ErrorKind.CANCELED, e.kind());
        assertSame(e, cancelled[1]);
        assertEquals(workers, blockersDone[0]);
        Thread.sleep(50);
        assertFalse(ranAnyway[0], "the cancelled job ran");
    }

    @Test
    void aRunningOrFinishedJobCannotBeCancelled() {
        boolean[] cancelledWhileRunning = {true}, cancelledWhenDone = {true};
        Loops.run(loop -> {
            CountDownLatch started = new CountDownLatch(1);
            Work<?>[] w = new Work<?>[1];
            w[0] = loop.work(() -> {
                started.countDown();
                Thread.sleep(50);
                return 1;
            }, (r, e) -> cancelledWhenDone[0] = w[0].cancel());
            try {
                started.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertTrue(w[0].isRunning());
            cancelledWhileRunning[0] = w[0].cancel();
        });
        assertFalse(cancelledWhileRunning[0]);
        assertFalse(cancelledWhenDone[0]);
    }

    @Test
    void jobsRunOnTheExecutorGivenSuchAsVirtualThreadsAndCancelThereToo() throws Exception {
        Set<Boolean> virtual = new HashSet<>();
        Throwable[] cancelled = new Throwable[1];
        int[] done = {0};
        ExecutorService single = Executors.newSingleThreadExecutor();
        try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch release = new CountDownLatch(1);
            Loops.run(loop -> {
                for (int i = 0; i < 100; i++) {
                    loop.work(() -> Thread.currentThread().isVirtual(), virtualThreads, (r, e) -> {
                        virtual.add(r);
                        done[0]++;
                    });
                }
                // On a one-thread executor, a second job waits behind a blocked first.
                loop.work(() -> release.await(10, TimeUnit.SECONDS), single, (r, e) -> { });
                Work<Integer> queued = loop.work(() -> 1, single, (r, e) -> cancelled[0] = e);
                assertTrue(queued.cancel());
                release.countDown();
            });
        } finally {
            single.shutdownNow();
        }
        assertEquals(Set.of(true), virtual);
        assertEquals(100, done[0]);
        assertEquals(ErrorKind.CANCELED, assertInstanceOf(UvException.class, cancelled[0]).kind());
    }

    /**
     * A job its executor never starts (ApiFuzzTest's do-nothing Executor) kept the loop alive
     * after exit(): run never returned. exit() cancels it; the executor running it late does nothing.
     */
    @Test
    void exitCancelsAJobItsExecutorNeverStarted() {
        List<Runnable> held = new ArrayList<>();
        boolean[] ran = {false};
        Throwable[] cancelled = new Throwable[1];
        EventLoop loop = EventLoop.create();
        loop.work(() -> ran[0] = true, held::add, (r, e) -> cancelled[0] = e);
        loop.exit();
        // Bounded, so that without the fix this fails instead of hanging in run().
        boolean more = true;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); more && System.nanoTime() < end; ) more = loop.runNoWait();
        if (more) held.forEach(Runnable::run); // let close() end
        assertFalse(more, "a job never started kept the exited loop alive");
        assertEquals(ErrorKind.CANCELED, assertInstanceOf(UvException.class, cancelled[0]).kind());
        held.forEach(Runnable::run);
        assertFalse(ran[0], "the cancelled job ran");
        Loops.closeClean(loop);
    }

    @Test
    void anExecutorThatRefusesLeavesNothingPending() {
        ExecutorService shut = Executors.newSingleThreadExecutor();
        shut.shutdown();
        Loops.run(loop -> {
            assertThrows(java.util.concurrent.RejectedExecutionException.class,
                    () -> loop.work(() -> 1, shut, (r, e) -> { }));
            assertEquals(0, loop.stats().pendingRequests());
        });
    }

    @Test
    void closingALoopWaitsForItsJobs() {
        int[] done = {0};
        EventLoop loop = EventLoop.create();
        // Submitted outside run: close() must still wait for them and run their callbacks.
        for (int i = 0; i < 10; i++) {
            loop.work(() -> {
                Thread.sleep(20);
                return 1;
            }, (r, e) -> done[0] += r);
        }
        Loops.closeClean(loop);
        assertEquals(10, done[0]);
    }

    @Test
    void workIsForTheLoopThreadAndTheSizeIsFixedOnceThePoolStarted() {
        Loops.run(loop -> {
            assertInstanceOf(WrongThreadException.class, Loops.onOtherThread(() -> loop.work(() -> 1)));
            loop.work(() -> 1);
            assertThrows(IllegalStateException.class, () -> EventLoop.threadPoolSize(EventLoop.threadPoolSize() + 1));
        });
    }

    @Test
    void aWorkObjectAnswersFromJavaStateOnceItsLoopIsClosed() {
        Work<?>[] w = new Work<?>[1];
        EventLoop loop = EventLoop.create();
        loop.run(l -> w[0] = l.work(() -> 1));
        Loops.closeClean(loop);
        assertTrue(w[0].isDone());
        assertFalse(w[0].isRunning());
        assertFalse(w[0].isCancelled());
        assertEquals(1, w[0].future().join());
        assertFalse(w[0].cancel());
    }

    // ------------------------------------------------------------------ System.exit

    /**
     * System.exit with work done and in flight must end the JVM at once: no Java code ever ran on
     * one of libuv's threads, so its exit-time join of them cannot wait on the JVM (JDK-8391662).
     */
    @ParameterizedTest
    @ValueSource(strings = {"done", "inflight"})
    void systemExitEndsTheJvmPromptlyWithWorkDoneOrInFlight(String mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkExitMain.class.getName(), mode));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(unreadable: " + e + ")";
                }
            });
            assertTrue(p.waitFor(25, TimeUnit.SECONDS), "the child did not even get to exit");
            String out = output.get(5, TimeUnit.SECONDS);
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("exiting"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The size set before first use is the pool's: N jobs that need N at once all run (a barrier of N). */
    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void thePoolSizeSetBeforeFirstUseIsThePoolsSize(int n) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkExitMain.class.getName(), "size", Integer.toString(n)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("UV_THREADPOOL_SIZE");
        Process p = pb.start();
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(unreadable: " + e + ")";
                }
            });
            assertTrue(p.waitFor(25, TimeUnit.SECONDS), "the child did not finish");
            String out = output.get(5, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("ok " + n + " workers"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void systemExitReturnsWithinSecondsOfBeingCalled() throws Exception {
        // The same, timed from the child's "exiting" line: a hang at exit would show here.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkExitMain.class.getName(), "inflight"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long[] at = {0};
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                try {
                    for (String l; (l = r.readLine()) != null; ) if (l.equals("exiting")) at[0] = System.nanoTime();
                } catch (IOException ignored) {
                    // the child ended
                }
            });
            assertTrue(p.waitFor(25, TimeUnit.SECONDS), "the child did not exit");
            long exited = System.nanoTime();
            read.get(5, TimeUnit.SECONDS);
            assertTrue(at[0] != 0, "the child never said it was exiting");
            long ms = (exited - at[0]) / 1_000_000;
            assertTrue(ms < 3000, "System.exit took " + ms + " ms");
            assertEquals(3, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
