package io.juv.net;

import io.juv.EventLoop;
import io.juv.UvException;
import io.juv.HandleKind;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.StreamServer;
import io.juv.internal.Addresses;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * A listening TCP socket (cl-async's {@code tcp-server}), made by {@code EventLoop.listen}. Every
 * accepted connection becomes a {@link TcpSocket} served by the server's handler: its onConnect
 * runs as it is accepted, and it reads from then on.
 *
 * <pre>{@code
 * TcpServer server = loop.listen("0.0.0.0", 8080, ListenOptions.DEFAULT.backlog(4096), new SocketHandler() {
 *     public void onConnect(TcpSocket s) { s.noDelay(true); }
 *     public void onData(TcpSocket s, ByteBuffer data) {
 *         if (!s.write(data)) s.pause();             // echo; stop reading over the high water mark
 *     }
 *     public void onDrain(TcpSocket s) { s.resume(); }
 * });
 * System.out.println("listening on " + server.address());
 * }</pre>
 *
 * <p>Used from the loop's thread only. {@link #close()} stops listening and leaves the accepted
 * connections open; {@link #port()} and {@link #address()} answer from Java state after it too.
 * The loop's exit closes the server with everything else.
 */
public final class TcpServer extends StreamServer {

    private final StreamHandler<? super TcpSocket> handler;
    private final InetSocketAddress address;

    private TcpServer(LoopCore core, ListenOptions options, StreamHandler<? super TcpSocket> handler, MemorySegment addr) {
        // The socket is made now, in the address's family, so options can be set on it before bind.
        int family = Platform.family(addr);
        super(core, HandleKind.TCP, (loop, h) -> Uv.tcpInitEx(loop, h, family), handler);
        this.handler = handler;
        try {
            int flags = options.ipv6Only() ? Uv.TCP_IPV6ONLY : 0;
            if (options.reusePort()) flags |= reusePort();
            if (!options.simultaneousAccepts()) Errors.check(Uv.tcpSimultaneousAccepts(server(), false));
            int bound = Uv.tcpBind(server(), addr, flags);
            if ((flags & Uv.TCP_REUSEPORT) != 0 && bound < 0 && Errors.of(bound).errorName().equals("ENOTSUP")) {
                throw reusePortUnsupported();
            }
            Errors.check(bound);
            // libuv may report a bind error such as EADDRINUSE only here.
            Errors.check(Uv.listen(server(), options.backlog(), Upcalls.CONNECTION));
            this.address = Addresses.ofTcp(server(), false);
        } catch (RuntimeException e) {
            closeNow();
            throw e;
        }
    }

    /**
     * A TCP server on {@code host} (an IPv4 or IPv6 literal such as "0.0.0.0" or "::", or
     * "localhost"); port 0 lets the system choose ({@link #port()} tells which). The same as
     * {@code loop.listen(host, port, options, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param host    the address to listen on
     * @param port    the port, 0 to 65535
     * @param options backlog, SO_REUSEPORT, dual stack
     * @param handler serves every accepted {@link TcpSocket}
     * @return the server, listening
     * @throws IllegalArgumentException      for a host that is no IP literal (nor "localhost"), a
     *                                       port out of range, or ipv6Only with an IPv4 address
     * @throws io.juv.UvException            when the system refuses the address
     *                                       ({@link io.juv.ErrorKind#ADDRESS_IN_USE}, say); nothing stays open
     * @throws UnsupportedOperationException for reusePort where the system cannot balance connections
     * @throws IllegalStateException         if the loop is closed
     */
    public static TcpServer listen(EventLoop loop, String host, int port, ListenOptions options,
                                   StreamHandler<? super TcpSocket> handler) {
        java.util.Objects.requireNonNull(host, "host");
        java.util.Objects.requireNonNull(options, "options");
        java.util.Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Platform.SOCKADDR_STORAGE);
            if (!Addresses.parse(arena, "localhost".equals(host) ? "127.0.0.1" : host, port, addr)) {
                throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + host);
            }
            if (options.ipv6Only() && Platform.family(addr) != Platform.AF_INET6) {
                // libuv would refuse it too, with a bare EINVAL, after the socket was made.
                throw new IllegalArgumentException("ipv6Only needs an IPv6 address, not " + host);
            }
            try {
                return new TcpServer(core, options, handler, addr);
            } catch (UvException e) {
                // As Node's "listen EADDRINUSE: address already in use 0.0.0.0:9009": which address, in the message.
                throw Errors.of(e.code(), "listening on " + host + ":" + port);
            }
        }
    }

    /**
     * libuv's own flag from 1.49; before it, SO_REUSEPORT set on the socket here, before bind.
     * Both refuse it where the kernel would not spread connections over the sockets (libuv 1.49
     * answers ENOTSUP there; macOS's SO_REUSEPORT, say, does not balance).
     */
    private int reusePort() {
        if (Uv.atLeast(1, 49)) return Uv.TCP_REUSEPORT;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fd = arena.allocate(ValueLayout.JAVA_LONG); // uv_os_fd_t: an int, or a HANDLE on Windows
            Errors.check(Uv.fileno(server(), fd));
            if (!Platform.setReusePort(fd.get(ValueLayout.JAVA_INT, 0))) throw reusePortUnsupported();
        }
        return 0;
    }

    private static UnsupportedOperationException reusePortUnsupported() {
        return new UnsupportedOperationException("juv: SO_REUSEPORT with load balancing is not available on " + Platform.OS);
    }

    /** The listening handle, for tests that read its options back. */
    long nativeHandle() {
        return server();
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): a new
     * socket for uv_accept to fill, served by the server's handler.
     *
     * @return the socket, open and not yet connected
     */
    @Override
    protected Stream newConnection() {
        return new TcpSocket(core, handler, true);
    }

    /** {@return the port the server listens on: the one the system chose, if it was asked for port 0} */
    public int port() {
        return address.getPort();
    }

    /** {@return the address and port the server listens on, as the system reports it} */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public String toString() {
        return "TcpServer[" + address + (isClosed() ? ", closed" : "") + "]";
    }
}
