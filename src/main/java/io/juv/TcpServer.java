package io.juv;

import io.juv.internal.Addresses;
import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * A listening TCP socket (cl-async's {@code tcp-server}), made by {@link EventLoop#listen}.
 * Every accepted connection becomes a {@link TcpSocket} served by the server's {@link SocketHandler}.
 * Closing the server stops accepting; connections already accepted stay open.
 */
public final class TcpServer extends HandleBase {

    private final SocketHandler handler;
    private final InetSocketAddress address;
    private long accepted;
    private long acceptErrors;

    TcpServer(LoopCore core, String host, int port, int backlog, SocketHandler handler) {
        super(core, HandleKind.TCP, Uv::tcpInit);
        this.handler = handler;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Platform.SOCKADDR_STORAGE);
            if (!Addresses.parse(arena, host, port, addr)) {
                throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + host);
            }
            Errors.check(Uv.tcpBind(handle, addr));
            // libuv may report a bind error such as EADDRINUSE only here.
            Errors.check(Uv.listen(handle, backlog, Upcalls.CONNECTION));
            this.address = Addresses.ofTcp(handle, false);
        } catch (RuntimeException e) {
            closeNow();
            throw e;
        }
    }

    @Override
    protected void onConnection(int status) {
        if (status < 0) {
            acceptErrors++;
            handler.onAcceptError(this, Errors.of(status));
            return;
        }
        TcpSocket socket = new TcpSocket(core, handler, true);
        int rc = Uv.accept(handle, socket.nativeHandle());
        if (rc < 0) {
            socket.closeNow();
            acceptErrors++;
            handler.onAcceptError(this, Errors.of(rc));
            return;
        }
        accepted++;
        socket.established();
    }

    /** The port the server listens on: the one the system chose, if it was asked for port 0. */
    public int port() {
        return address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Connections accepted so far. */
    public long acceptedCount() {
        return accepted;
    }

    /** Connections that arrived but could not be accepted (out of file descriptors, say). */
    public long acceptErrorCount() {
        return acceptErrors;
    }

    /** Stops listening. Connections already accepted are not touched. */
    public void close() {
        closeNow();
    }
}
