package io.juv;

import java.nio.ByteBuffer;

/**
 * What a stream does with its events: cl-async's read, connect and event callbacks, Node's
 * socket events. Only {@link #onData} must be written; a lambda will do.
 *
 * <p>All methods run on the loop's thread. An exception thrown from one goes to the loop's
 * error policy (see {@link EventLoop#catchErrors}); the stream is not closed by it.
 *
 * @param <S> the kind of stream: {@code TcpSocket}, {@code Pipe}, ...
 */
@FunctionalInterface
public interface StreamHandler<S extends Stream> {

    /**
     * Bytes arrived. {@code data} is a read-only view of the loop's read buffer, valid only until
     * this method returns: copy what you keep ({@code data.get(array)}), or write it on at once.
     */
    void onData(S stream, ByteBuffer data);

    /** A server accepted the connection, or a client's connect completed. */
    default void onConnect(S stream) {}

    /**
     * The peer ended its side (end of stream). Unless the stream allows half-open
     * ({@link Stream#allowHalfOpen}), juv then closes it gracefully: what is queued is still written.
     */
    default void onEnd(S stream) {}

    /**
     * Something broke the stream: the peer reset it, a write failed, a timeout expired, a connect
     * failed. juv closes it at once afterwards. Called at most once per stream.
     */
    default void onError(S stream, UvException error) {}

    /**
     * The write queue fell to the low water mark after it had passed the high one (Node's
     * 'drain'): a writer that stopped on {@link Stream#writable()} may go on.
     */
    default void onDrain(S stream) {}

    /** The stream is closed and its native memory freed. Always the last call for a stream. */
    default void onClose(S stream) {}

    /** A server could not accept a connection (EMFILE when out of file descriptors, say). It keeps listening. */
    default void onAcceptError(StreamServer server, UvException error) {
        System.getLogger("io.juv").log(System.Logger.Level.DEBUG, "accept failed on " + server, error);
    }
}
