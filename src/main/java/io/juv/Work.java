package io.juv;

import io.juv.internal.LoopCore;
import io.juv.internal.WorkPool;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking Java job run off the loop, whose result comes back on the loop (cl-async's
 * {@code work}); made by {@link EventLoop#work}.
 *
 * <p><b>Threads.</b> The job runs on a worker thread: juv's work pool by default (daemon threads
 * named {@code juv-work-N}, as many as libuv's thread pool has, see
 * {@link EventLoop#threadPoolSize(int)}), or on the {@link Executor} given (virtual threads:
 * {@code Executors.newVirtualThreadPerTaskExecutor()}). Never on the loop's thread, and never on
 * one of libuv's own threads: Java code on those would keep them attached to the JVM, and libuv
 * joins them at process exit, where a JDK with JDK-8391662 then hangs System.exit (see
 * {@code io.juv.internal.WorkPool}). The {@link WorkCallback} and the {@link #future()} complete
 * on the loop's thread, in that order, in a later loop pass than the submission.
 *
 * <p><b>Life.</b> Each job in flight keeps the loop alive and counts as a pending request in
 * {@link LoopStats}: {@link EventLoop#run} returns, and {@link EventLoop#close} proceeds, only
 * once every job has completed (a job that never ends keeps them waiting, as libuv's own work
 * requests do). {@link #cancel()} takes a job that has not started off the queue: it then
 * completes with {@link ErrorKind#CANCELED}; {@link EventLoop#exit()} (and an error that stops
 * the loop) cancels every such job, so that a job an executor never starts cannot keep an
 * exited loop running. A running job cannot be cancelled (Java threads are not interrupted;
 * have the job check a flag of its own).
 *
 * {@snippet :
 * // Hash a file off the loop, answer on the loop.
 * loop.work(() -> MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)),
 *           (digest, error) -> {
 *               if (error != null) socket.write("failed: " + error + "\n");
 *               else socket.write(HexFormat.of().formatHex(digest) + "\n");
 *           });
 * }
 *
 * <p>{@link #cancel()} and {@link #isDone()} belong to the loop's thread; {@link #future()},
 * {@link #isCancelled()} and {@link #isRunning()} may be called from any.
 *
 * @param <T> the job's result type
 */
public final class Work<T> {

    private static final int QUEUED = 0, RUNNING = 1, FINISHED = 2, CANCELED = 3;

    private final LoopCore core;
    private final Callable<? extends T> job;
    private final WorkCallback<? super T> callback;
    private final CompletableFuture<T> future;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final Runnable task = this::runOnWorker;
    private final Runnable cancelOnExit = this::cancel;
    private final boolean sharedPool;
    /** Written by the worker before it posts the completion; the post's queue publishes them. */
    private T result;
    private Throwable error;
    private boolean completed;

    private Work(LoopCore core, Callable<? extends T> job, WorkCallback<? super T> callback, boolean sharedPool) {
        this.core = core;
        this.job = job;
        this.callback = callback;
        this.sharedPool = sharedPool;
        this.future = core.newFuture(); // its stages run on the loop thread
    }

    static <T> Work<T> submit(LoopCore core, Callable<? extends T> job, Executor executor, WorkCallback<? super T> callback) {
        Objects.requireNonNull(job, "job");
        core.checkThread();
        core.checkOpen();
        Executor on = executor != null ? executor : WorkPool.shared();
        Work<T> w = new Work<>(core, job, callback, executor == null);
        core.keepAlive();
        try {
            on.execute(w.task);
        } catch (RuntimeException | Error e) {
            // A refused job (a shut-down executor's RejectedExecutionException) never ran and never will.
            core.releaseKeepAlive();
            throw e;
        }
        core.stopOnExit(w.cancelOnExit);
        return w;
    }

    private void runOnWorker() {
        if (!state.compareAndSet(QUEUED, RUNNING)) return; // cancelled meanwhile: its completion is posted
        try {
            result = job.call();
        } catch (Throwable t) {
            error = t;
        }
        state.set(FINISHED);
        core.post(this::complete);
    }

    /** On the loop thread, once per job: the keep-alive goes first, so the callback may end the loop. */
    private void complete() {
        if (completed) return;
        completed = true;
        core.exitStopNotNeeded(cancelOnExit);
        core.releaseKeepAlive();
        if (callback != null) core.guard(() -> callback.done(result, error));
        if (error != null) future.completeExceptionally(error);
        else future.complete(result);
    }

    /**
     * Cancels the job if it has not started: it will not run, and completes (in a later loop pass,
     * not inside this call) with a {@link UvException} of kind {@link ErrorKind#CANCELED}. Returns
     * false when it has started, finished or was cancelled already. Loop thread only.
     *
     * @return true if the job was taken off the queue and will not run
     */
    public boolean cancel() {
        core.checkThread();
        if (!state.compareAndSet(QUEUED, CANCELED)) return false;
        if (sharedPool) WorkPool.remove(task);
        error = new UvException(0, "ECANCELED", "the work was cancelled before it started", ErrorKind.CANCELED);
        core.post(this::complete);
        return true;
    }

    /**
     * Completes on the loop's thread with the job's result, or exceptionally with what it threw
     * (or CANCELED). Cancelling the future itself does not stop the job; {@link #cancel()} does.
     *
     * @return the job's future, a {@link LoopFuture}
     */
    public CompletableFuture<T> future() {
        return future;
    }

    /** {@return true once the job has completed, its callback run (finished, failed or cancelled)} */
    public boolean isDone() {
        return completed;
    }

    /** {@return true once {@link #cancel()} has taken the job off the queue} */
    public boolean isCancelled() {
        return state.get() == CANCELED;
    }

    /** {@return true while the job runs on its worker} */
    public boolean isRunning() {
        return state.get() == RUNNING;
    }

    @Override
    public String toString() {
        return "work (" + switch (state.get()) {
            case QUEUED -> "queued";
            case RUNNING -> "running";
            case FINISHED -> completed ? "done" : "finished";
            default -> "cancelled";
        } + ")";
    }
}
