package io.juv;

/** Called once a write is done: {@code error} is null when the kernel has every byte. */
@FunctionalInterface
public interface WriteCallback {
    /**
     * @param stream the stream written to
     * @param error  null on success; {@link ErrorKind#CANCELED} when the stream was closed first;
     *               {@link ErrorKind#SOCKET_CLOSED} when it was closed or shut down before the write
     */
    void written(Stream stream, UvException error);
}
