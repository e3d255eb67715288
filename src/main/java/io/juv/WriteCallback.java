package io.juv;

/**
 * Called once a write is done, on the loop's thread: {@code error} is null when the kernel has
 * every byte. It may run before {@code write} returns (the kernel took the bytes at once, or the
 * write was refused); an exception it throws then comes out of that {@code write}. Called later,
 * from the loop, an exception from it goes to the loop's error policy.
 */
@FunctionalInterface
public interface WriteCallback {
    /**
     * The write is done.
     *
     * @param stream the stream written to
     * @param error  null on success; {@link ErrorKind#CANCELED} when the stream was closed first;
     *               {@link ErrorKind#SOCKET_CLOSED} when it was closed or shut down before the write
     */
    void written(Stream stream, UvException error);
}
