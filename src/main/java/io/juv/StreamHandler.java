package io.juv;

import java.nio.ByteBuffer;

/**
 * What a stream does with its events: cl-async's read, connect and event callbacks, Node's
 * socket events. Only {@link #onData} must be written; a lambda will do.
 *
 * <p>All methods run on the loop's thread. An exception thrown from one goes to the loop's
 * error policy (see {@link EventLoop#catchErrors}); the stream is not closed by it.
 *
 * <p>The calls for one stream: {@link #onConnect} once, first; then any number of
 * {@link #onData} and {@link #onDrain}, at most one {@link #onEnd} and at most one
 * {@link #onError}; and {@link #onClose}, last. A stream whose connect fails gets only {@link #onError} and
 * {@link #onClose}.
 *
 * {@snippet :
 * // A line-echo server: one handler serves every connection.
 * loop.listen("127.0.0.1", 7000, new StreamHandler<TcpSocket>() {
 *     public void onConnect(TcpSocket s) { s.write("hello\n"); }
 *     public void onData(TcpSocket s, ByteBuffer data) { s.write(data); }   // the view, at once
 *     public void onError(TcpSocket s, UvException e) { System.err.println(e.errorName()); }
 * });
 * }
 *
 * @param <S> the kind of stream: {@code TcpSocket}, {@code Pipe}, ...
 */
@FunctionalInterface
public interface StreamHandler<S extends Stream> {

    /**
     * Bytes arrived. {@code data} is a read-only view of the loop's read buffer, valid only until
     * this method returns: copy what you keep ({@code data.get(array)}), or write it on at once.
     *
     * @param stream the stream the bytes came from
     * @param data   the bytes, from its position to its limit
     */
    void onData(S stream, ByteBuffer data);

    /**
     * A server accepted the connection, or a client's connect completed; reading has started.
     *
     * @param stream the connected stream
     */
    default void onConnect(S stream) {}

    /**
     * The peer ended its side (end of stream). Unless the stream allows half-open
     * ({@link Stream#allowHalfOpen}), juv then closes it gracefully: what is queued is still written.
     *
     * @param stream the stream the peer ended
     */
    default void onEnd(S stream) {}

    /**
     * Something broke the stream: the peer reset it, a write failed, a timeout expired, a connect
     * failed. juv closes it at once afterwards. Called at most once per stream. Not called for
     * what the program did itself: a write refused on a closed stream goes to that write's
     * callback or future, and writes cancelled by {@link Stream#closeNow()} are not errors.
     *
     * @param stream the broken stream
     * @param error  what broke it
     */
    default void onError(S stream, UvException error) {}

    /**
     * The write queue fell to the low water mark after it had passed the high one (Node's
     * 'drain'): a writer that stopped on {@link Stream#writable()} may go on.
     *
     * @param stream the stream that is writable again
     */
    default void onDrain(S stream) {}

    /**
     * The stream is closed and its native memory freed. Always the last call for a stream.
     *
     * @param stream the closed stream; only its getters may still be used
     */
    default void onClose(S stream) {}

    /**
     * A server could not accept a connection (EMFILE when out of file descriptors, say). It keeps
     * listening (see {@link StreamServer} for how it backs off). By default logged at DEBUG to
     * the System.Logger "io.juv".
     *
     * @param server the server
     * @param error  why the accept failed
     */
    default void onAcceptError(StreamServer server, UvException error) {
        System.getLogger("io.juv").log(System.Logger.Level.DEBUG, "accept failed on " + server, error);
    }
}
