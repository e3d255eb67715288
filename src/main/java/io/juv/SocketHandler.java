package io.juv;

import java.nio.ByteBuffer;

/**
 * What a TCP connection does with its events: cl-async's read, connect and event callbacks.
 * Only {@link #onData} must be written; a lambda will do.
 *
 * <p>All methods run on the loop's thread. An exception thrown from one goes to the loop's
 * error policy (see {@link EventLoop#catchErrors}); the connection is not closed by it.
 */
@FunctionalInterface
public interface SocketHandler {

    /**
     * Bytes arrived. {@code data} is a view of the loop's read buffer, valid only until this
     * method returns: copy what you keep ({@code data.get(array)}), or write it on at once.
     */
    void onData(TcpSocket socket, ByteBuffer data);

    /** A server accepted the connection, or a client's connect completed. */
    default void onConnect(TcpSocket socket) {}

    /**
     * Something ended the connection: the peer closed it ({@link ErrorKind#END_OF_STREAM}), reset
     * it, a write failed, or a connect failed. After end of stream juv closes the socket gracefully
     * (pending writes are flushed); after any other error it closes it at once.
     */
    default void onError(TcpSocket socket, UvException error) {}

    /**
     * Everything that had to be queued is now written (Node's 'drain'): a writer that stopped on
     * {@link TcpSocket#queuedWrites()} or {@link TcpSocket#writeQueueSize()} may go on. Not called
     * when every write went to the kernel at once.
     */
    default void onDrain(TcpSocket socket) {}

    /** The socket is closed and its native memory freed. Always the last call for a socket. */
    default void onClose(TcpSocket socket) {}

    /** A server could not accept a connection (for example EMFILE when out of file descriptors). It keeps listening. */
    default void onAcceptError(TcpServer server, UvException error) {
        System.getLogger("io.juv").log(System.Logger.Level.DEBUG, "accept failed on port " + server.port(), error);
    }
}
