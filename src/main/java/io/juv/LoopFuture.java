package io.juv;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CompletableFuture} that belongs to an event loop: what every one-shot operation of juv
 * returns (connect, writeAsync, lookup, TLS connect, random bytes ...), declared as
 * {@code CompletableFuture} so that nothing changes for code that only combines futures.
 *
 * <ul>
 * <li>juv completes it on the loop's thread, so the stages added before it completes
 *     ({@code thenApply}, {@code thenAccept}, {@code whenComplete} ...) run on the loop thread,
 *     where they may call juv directly. (A stage added to a future that is already complete runs
 *     at once on the caller's thread, as with any CompletableFuture.)</li>
 * <li>The {@code ...Async} forms without an executor run on the loop thread too, through
 *     {@link EventLoop#execute} ({@link #defaultExecutor()}), instead of the common ForkJoinPool;
 *     pass an executor to run a stage elsewhere. Every stage derived from it is a LoopFuture of
 *     the same loop ({@link #newIncompleteFuture()}), so this holds along a whole chain.</li>
 * <li>{@link #orTimeout} and {@link #completeOnTimeout} time out with a loop timer, so the
 *     timeout, too, completes the future on the loop thread (the JDK's would complete it on its
 *     own delay thread).</li>
 * <li>{@link #join()} and {@code get()} on the loop's own thread of a future that is not yet
 *     complete throw {@link IllegalStateException}: the loop would wait for itself forever.</li>
 * </ul>
 *
 * <p>An async stage added once the loop is closed fails with {@link RejectedExecutionException}
 * (its future completes exceptionally with it), as {@link EventLoop#execute} refuses the task.
 * {@link #minimalCompletionStage()} is the JDK's: its {@code toCompletableFuture()} is a plain one.
 *
 * {@snippet :
 * loop.connect("example.com", 80, handler)        // a LoopFuture, declared as CompletableFuture
 *     .orTimeout(5, TimeUnit.SECONDS)             // a loop timer, not the JDK's delay thread
 *     .thenAccept(socket -> socket.write("GET / HTTP/1.0\r\n\r\n"))  // on the loop's thread
 *     .exceptionally(e -> { System.err.println(e); return null; });
 * }
 *
 * <p>Completing it ({@code complete}, {@code completeExceptionally}) is safe from any thread, as
 * with any CompletableFuture; the stages then run on the completing thread, so complete it on the
 * loop's thread (through {@link EventLoop#execute}) to keep them there.
 *
 * @param <T> the result type
 */
public final class LoopFuture<T> extends CompletableFuture<T> {

    private final EventLoop loop;

    /**
     * An incomplete future of {@code loop}, for code of one's own that completes on the loop.
     *
     * @param loop the loop whose thread the async stages run on
     */
    public LoopFuture(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** {@return the loop this future's stages run on} */
    public EventLoop loop() {
        return loop;
    }

    /** {@return the loop: where the {@code ...Async} stages without an executor run} */
    @Override
    public Executor defaultExecutor() {
        return loop;
    }

    /**
     * {@return a new incomplete future of the same loop} Every stage made from this future is one.
     *
     * @param <U> the new future's result type
     */
    @Override
    public <U> LoopFuture<U> newIncompleteFuture() {
        return new LoopFuture<>(loop);
    }

    /**
     * Waits for the result, as {@link CompletableFuture#join()}.
     *
     * @return the result
     * @throws IllegalStateException on the loop's own thread while the future is not complete
     * @throws java.util.concurrent.CancellationException if it was cancelled
     * @throws java.util.concurrent.CompletionException if it completed exceptionally
     */
    @Override
    public T join() {
        refuseWaitOnLoop("join()");
        return super.join();
    }

    /**
     * Waits for the result, as {@link CompletableFuture#get()}.
     *
     * @return the result
     * @throws IllegalStateException on the loop's own thread while the future is not complete
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws ExecutionException if it completed exceptionally
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseWaitOnLoop("get()");
        return super.get();
    }

    /**
     * Waits at most {@code timeout} for the result, as {@link CompletableFuture#get(long, TimeUnit)}.
     *
     * @param timeout how long to wait
     * @param unit    its unit
     * @return the result
     * @throws IllegalStateException on the loop's own thread while the future is not complete
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws ExecutionException if it completed exceptionally
     * @throws TimeoutException if the wait timed out
     */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseWaitOnLoop("get(timeout)");
        return super.get(timeout, unit);
    }

    private void refuseWaitOnLoop(String what) {
        if (!isDone() && loop.inLoopThread()) {
            throw new IllegalStateException("juv: " + what + " on the loop's own thread would wait forever: "
                    + "the loop completes this future, and it is waiting; chain a stage (thenAccept ...) instead");
        }
    }

    /**
     * Completes this future with a {@link TimeoutException} unless it completes within
     * {@code timeout}, timed by a loop timer (armed through {@link EventLoop#execute} when called
     * from another thread), which keeps the loop alive meanwhile and is cancelled when the future
     * completes. Nothing happens once the loop is closed.
     *
     * @param timeout how long to wait; a negative one counts as zero
     * @param unit    its unit
     * @return this future
     */
    @Override
    public LoopFuture<T> orTimeout(long timeout, TimeUnit unit) {
        afterOnLoop(timeout, unit, () -> completeExceptionally(new TimeoutException()));
        return this;
    }

    /**
     * Completes this future with {@code value} unless it completes within {@code timeout}, timed
     * by a loop timer as {@link #orTimeout}.
     *
     * @param value   the result to complete with on timeout
     * @param timeout how long to wait; a negative one counts as zero
     * @param unit    its unit
     * @return this future
     */
    @Override
    public LoopFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        afterOnLoop(timeout, unit, () -> complete(value));
        return this;
    }

    /** A loop timer that runs action unless the future completes first; it keeps the loop alive meanwhile. */
    private void afterOnLoop(long timeout, TimeUnit unit, Runnable action) {
        Duration delay = Duration.of(Math.max(0, timeout), unit.toChronoUnit());
        Runnable arm = () -> {
            if (isDone() || loop.isClosed()) return;
            Timer timer = loop.delay(delay, action);
            whenComplete((v, e) -> {
                if (loop.inLoopThread()) timer.cancel();
                else onLoop(timer::cancel);
            });
        };
        if (loop.inLoopThread()) arm.run();
        else onLoop(arm);
    }

    private void onLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException closed) {
            // A closed loop has closed its timers already.
        }
    }
}
