package io.juv.fs;

import io.juv.UvException;

/**
 * Called once, on the loop's thread, when a file operation is done: with its result and a null
 * error, or a null result and the error ({@link io.juv.ErrorKind#NOT_FOUND},
 * {@link io.juv.ErrorKind#PERMISSION_DENIED}, {@link io.juv.ErrorKind#FILE_CLOSED}, ...).
 * Operations with nothing to return give a null result on success.
 *
 * @param <T> the operation's result
 */
@FunctionalInterface
public interface FsCallback<T> {
    /**
     * The operation is done. An exception thrown here goes to the loop's error policy.
     *
     * @param result what it gives, or null when it failed (or gives nothing)
     * @param error  null on success, else why it failed
     */
    void done(T result, UvException error);
}
