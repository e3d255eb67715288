package io.juv;

/**
 * What {@link EventLoop#work} calls on the loop's thread when a job has finished: with its result
 * and a null error, or a null result and what the job threw (a {@link UvException} of kind
 * {@link ErrorKind#CANCELED} when it was cancelled before it started). An exception from it goes
 * to the loop's error policy; the job's {@link Work#future()} completes after it all the same.
 *
 * @param <T> the job's result type
 */
@FunctionalInterface
public interface WorkCallback<T> {
    /**
     * The job is done.
     *
     * @param result what the job returned; null when it failed
     * @param error  null when the job returned, else what it threw (or the cancellation)
     */
    void done(T result, Throwable error);
}
