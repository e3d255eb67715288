package io.juv.net;

import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.internal.Addresses;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP connection: accepted by a {@link TcpServer}, opened by {@code EventLoop.connect}, or
 * adopted from a file descriptor. Everything a stream does is {@link Stream}'s; this adds the
 * addresses, TCP's options and {@link #reset()}.
 *
 * <pre>{@code
 * loop.connect("example.org", 80, ConnectOptions.DEFAULT.timeout(Duration.ofSeconds(5)), new SocketHandler() {
 *     public void onConnect(TcpSocket s) {
 *         s.noDelay(true);
 *         s.write("HEAD / HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n");
 *     }
 *     public void onData(TcpSocket s, ByteBuffer data) { System.out.print(StandardCharsets.UTF_8.decode(data)); }
 *     public void onError(TcpSocket s, UvException e) { System.err.println(e.kind()); } // TIMED_OUT, ...
 * });
 * }</pre>
 *
 * <p>Used from the loop's thread only. Once closed, the addresses and the options are refused
 * with {@link io.juv.ErrorKind#SOCKET_CLOSED}; {@link #isIncoming()} answers from Java state.
 */
public final class TcpSocket extends Stream {

    private final boolean incoming;
    /** Handed to another loop by a TcpServerGroup's hand-off: its close here is not its end. */
    boolean servedElsewhere;
    private TcpConnector connector;

    TcpSocket(LoopCore core, StreamHandler<? super TcpSocket> handler, boolean incoming) {
        super(core, HandleKind.TCP, Uv::tcpInit, handler);
        this.incoming = incoming;
        if (incoming) core.incomingTcp++;
        else core.outgoingTcp++;
    }

    long nativeHandle() {
        return stream();
    }

    /**
     * Opens a TCP connection to an IP literal or a host name, trying each of the name's addresses
     * in turn until one answers. {@link StreamHandler#onConnect} runs once it is open; the future
     * completes with the socket then, or exceptionally with a {@link io.juv.UvException} (after
     * {@link StreamHandler#onError}). The same as {@code loop.connect(host, port, options, handler)}.
     * The handler hears only of the attempt that connected, or of the last failure.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param host    an IP literal or a host name (looked up on libuv's thread pool)
     * @param port    the port, 0 to 65535
     * @param options the address family and the timeout of the whole connect
     * @param handler hears of the socket's events
     * @return a future of the connected socket; exceptionally CONNECTION_REFUSED, HOST_NOT_FOUND,
     *         TIMED_OUT, ...
     * @throws IllegalArgumentException for a port out of range, or a host name that is empty or
     *                                  holds a NUL character
     * @throws IllegalStateException    if the loop is closed
     */
    public static CompletableFuture<TcpSocket> connect(EventLoop loop, String host, int port, ConnectOptions options,
                                                       StreamHandler<? super TcpSocket> handler) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return TcpConnector.connect(LoopCore.of(loop), host, port, options, handler);
    }

    /**
     * Connects to the first of the addresses that answers, trying them in order; otherwise as
     * {@link #connect(EventLoop, String, int, ConnectOptions, StreamHandler)}.
     *
     * @param loop      the loop it belongs to; call on its thread
     * @param addresses the resolved addresses to try (the options' family is not applied to them)
     * @param options   the timeout of the whole connect
     * @param handler   hears of the socket's events
     * @return a future of the connected socket
     * @throws IllegalArgumentException for no address, or an unresolved one
     */
    public static CompletableFuture<TcpSocket> connect(EventLoop loop, List<InetSocketAddress> addresses,
                                                       ConnectOptions options, StreamHandler<? super TcpSocket> handler) {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return TcpConnector.connect(LoopCore.of(loop), addresses, options, handler);
    }

    /**
     * Adopts the descriptor of a connected TCP socket (from another library, or inherited): from
     * now on libuv owns and closes it. onConnect runs before this returns.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param fd      the socket's descriptor, handed over to libuv
     * @param handler hears of the socket's events
     * @return the open socket, reading already
     * @throws IllegalArgumentException if {@code fd} is not an open TCP socket
     * @throws io.juv.UvException       when libuv refuses to adopt it
     */
    public static TcpSocket open(EventLoop loop, int fd, StreamHandler<? super TcpSocket> handler) {
        Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        if (Platform.SOCKETS_ARE_FDS) Descriptors.check(fd, Uv.TCP, "a TCP socket");
        TcpSocket s = new TcpSocket(core, handler, false);
        int rc = Uv.tcpOpen(s.stream(), fd);
        if (rc < 0) {
            s.abandon();
            throw Errors.of(rc);
        }
        s.established();
        return s;
    }

    // ------------------------------------------------------------------ connecting (TcpConnector)

    void connecting(TcpConnector c) {
        this.connector = c;
    }

    void connectDone(int status) {
        TcpConnector c = connector;
        connector = null;
        c.attemptDone(this, status);
    }

    void connectedNow() {
        established();
    }

    void failNow(io.juv.UvException e) {
        connectFailed(e);
    }

    void abandonAttempt() {
        abandon();
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes at once with a reset (RST) instead of a FIN: the peer sees ECONNRESET, queued writes
     * are cancelled (uv_tcp_close_reset). A socket that is not connected, or shut down for
     * writing already, simply closes. Nothing once closed.
     */
    public void reset() {
        if (!isConnected() || isWriteEnded()) {
            closeNow();
            return;
        }
        if (beginClose()) Errors.check(Uv.tcpCloseReset(stream(), Upcalls.CLOSE));
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): what
     * to undo when the socket is dropped without close and juv closes it: its count among the
     * loop's incoming or outgoing connections.
     *
     * @return the action that uncounts it
     */
    @Override
    protected Runnable whenLost() {
        LoopCore c = core;
        Runnable uncount = incoming ? () -> c.incomingTcp-- : () -> c.outgoingTcp--;
        Runnable above = super.whenLost();
        return above == null ? uncount : () -> { uncount.run(); above.run(); };
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * socket is closed: it leaves the loop's count of connections, and the handler hears onClose.
     */
    @Override
    protected void onClosed() {
        if (incoming) core.incomingTcp--;
        else core.outgoingTcp--;
        super.onClosed();
    }

    // ------------------------------------------------------------------ addresses

    /** {@return true for a connection a server accepted, false for one this program opened} Java state. */
    public boolean isIncoming() {
        return incoming;
    }

    /**
     * The peer's address (getpeername).
     *
     * @return the peer's address and port
     * @throws io.juv.UvException {@code ENOTCONN} once the peer has gone, even in {@code onConnect}: a
     *                     peer can reset its connection before the server accepts it; and
     *                     {@code SOCKET_CLOSED} once this socket is closed
     */
    public InetSocketAddress remoteAddress() {
        core.checkThread();
        if (!isConnected()) throw Errors.socketClosed("socket");
        return Addresses.ofTcp(stream(), true);
    }

    /**
     * This end's address (getsockname).
     *
     * @return the local address and port
     * @throws io.juv.UvException {@code SOCKET_CLOSED} once this socket is closed
     */
    public InetSocketAddress localAddress() {
        core.checkThread();
        if (!isConnected()) throw Errors.socketClosed("socket");
        return Addresses.ofTcp(stream(), false);
    }

    // ------------------------------------------------------------------ options

    private void checkOpen() {
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("socket");
    }

    /**
     * Disables (true) or enables Nagle's algorithm (TCP_NODELAY).
     *
     * @param on true to send small writes at once
     * @throws io.juv.UvException {@code SOCKET_CLOSED} once closed; the system's error
     */
    public void noDelay(boolean on) {
        checkOpen();
        Errors.check(Uv.tcpNoDelay(stream(), on));
    }

    /**
     * TCP keep-alive (SO_KEEPALIVE) on, probing once the connection was idle for {@code delay}
     * (TCP_KEEPIDLE: whole seconds, rounded up), or off ({@code delay} is then ignored and may be
     * null). libuv chooses the interval and count of the probes that follow.
     *
     * @param on    whether to probe
     * @param delay the idle time before the first probe
     * @throws io.juv.UvException       {@code SOCKET_CLOSED} once closed; the system's error
     * @throws IllegalArgumentException for a delay that is not positive or does not fit in an int of seconds
     */
    public void keepAlive(boolean on, Duration delay) {
        checkOpen();
        int seconds = on ? keepAliveSeconds(delay) : 0;
        Errors.check(Uv.tcpKeepAlive(stream(), on, seconds));
    }

    private static int keepAliveSeconds(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.isZero()) throw new IllegalArgumentException("keep-alive delay must be positive: " + delay);
        // Rounded up: a delay of 1.5 s never probes sooner than asked, and 1 ms is not refused as 0 s.
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
        if (seconds > Integer.MAX_VALUE) throw new IllegalArgumentException("keep-alive delay too long: " + delay);
        return (int) seconds;
    }

    /**
     * SO_SNDBUF, as the kernel reports it. Linux caps what is set at net.core.wmem_max and then
     * doubles it (the extra is its own bookkeeping), so this reads back twice what
     * {@link #sendBufferSize(int)} asked for.
     *
     * @return the send buffer's size in bytes
     * @throws io.juv.UvException {@code SOCKET_CLOSED} once closed
     */
    public int sendBufferSize() {
        checkOpen();
        return socketBufferSize(true, false, 0);
    }

    /**
     * Asks for a send buffer of {@code bytes} (SO_SNDBUF).
     *
     * @param bytes the size asked for, positive
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws io.juv.UvException       {@code SOCKET_CLOSED} once closed; the system's error
     */
    public void sendBufferSize(int bytes) {
        checkOpen();
        socketBufferSize(true, true, bytes);
    }

    /**
     * SO_RCVBUF, as the kernel reports it: on Linux twice what was set (capped at net.core.rmem_max first).
     *
     * @return the receive buffer's size in bytes
     * @throws io.juv.UvException {@code SOCKET_CLOSED} once closed
     */
    public int receiveBufferSize() {
        checkOpen();
        return socketBufferSize(false, false, 0);
    }

    /**
     * Asks for a receive buffer of {@code bytes} (SO_RCVBUF).
     *
     * @param bytes the size asked for, positive
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws io.juv.UvException       {@code SOCKET_CLOSED} once closed; the system's error
     */
    public void receiveBufferSize(int bytes) {
        checkOpen();
        socketBufferSize(false, true, bytes);
    }



    @Override
    public String toString() {
        return "TcpSocket[" + (isClosed() ? "closed" : incoming ? "incoming" : "outgoing") + "]";
    }
}
