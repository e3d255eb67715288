package io.juv;

/** Called once a write has been handed to the kernel, or has failed. */
@FunctionalInterface
public interface WriteCallback {
    /**
     * @param socket the socket written to
     * @param error  null on success; otherwise why the bytes were not written (for example
     *               {@link ErrorKind#CANCELED} when the socket was closed first)
     */
    void written(TcpSocket socket, UvException error);
}
