package io.juv;

/**
 * What {@link EventLoop#work} calls on the loop's thread when a job has finished: with its result
 * and a null error, or a null result and what the job threw (a {@link UvException} of kind
 * {@link ErrorKind#CANCELED} when it was cancelled before it started).
 */
@FunctionalInterface
public interface WorkCallback<T> {
    void done(T result, Throwable error);
}
