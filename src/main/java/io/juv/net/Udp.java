package io.juv.net;

import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.UvException;
import io.juv.internal.Addresses;
import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A UDP socket: a handle of its own, not a stream (datagrams keep their boundaries and each
 * has its own address). Made bound by {@link #bind} or {@code loop.udp(...)}, it receives from
 * then on; {@link #send} tries {@code uv_udp_try_send} first and queues a copy when the kernel
 * would block, so datagrams leave in the order they were sent.
 *
 * <p>Sends never throw for what the network answers: a datagram refused (too large, an address
 * the socket cannot reach, the socket closed) goes to its callback or future with a typed
 * {@link UvException}, or to {@link UdpHandler#onError} when it has neither; the socket stays
 * open. Bad arguments (an unresolved address) throw IllegalArgumentException.
 *
 * <p>A datagram arrives in the loop's read buffer, one receive call each; with
 * {@link UdpOptions#receiveBatch} above 1, libuv takes up to that many with one recvmmsg, into a
 * buffer of the socket's own (libuv gives each datagram a 64 KiB slot, so a loop-wide buffer
 * would cost every loop that memory). Either way the handler sees one datagram a call, in a
 * read-only view valid during the call.
 */
public final class Udp extends HandleBase {

    private final UdpHandler handler;
    /** The socket is IPv6 (dual stack unless ipv6Only): IPv4 destinations go IPv4-mapped. */
    private final boolean ipv6;
    private boolean connected;
    /** The handler hears of this socket (onClose) only once bind succeeded. */
    private boolean exposed;
    /** The last sender, reused while the same IPv4 peer keeps sending. */
    private InetSocketAddress lastSender;
    /** With receiveBatch above 1: the socket's own receive buffer, and a read-only view of it. */
    private final MemorySegment batchBuffer;
    private final ByteBuffer batchView;

    private Udp(LoopCore core, UdpHandler handler, int family, int receiveBatch) {
        super(core, HandleKind.UDP, (loop, h) -> Uv.udpInitEx(loop, h, family | (receiveBatch > 1 ? Uv.UDP_RECVMMSG : 0)));
        this.handler = handler;
        this.ipv6 = family == Platform.AF_INET6;
        this.batchBuffer = receiveBatch > 1 ? ownMemory((long) receiveBatch * LoopCore.IO_BUFFER_SIZE) : null;
        this.batchView = batchBuffer == null ? null : batchBuffer.asByteBuffer().asReadOnlyBuffer();
    }

    /**
     * A UDP socket bound to {@code host} (an IPv4 or IPv6 literal such as "0.0.0.0" or "::", or
     * "localhost") and {@code port} (0: the system chooses; {@link #localAddress()} tells which),
     * receiving into {@code handler} at once. The same as {@code loop.udp(host, port, options, handler)}.
     *
     * @throws IllegalArgumentException      for a host that is not an IP literal, or ipv6Only with an IPv4 one
     * @throws UvException                   when the system refuses the address (ADDRESS_IN_USE, ADDRESS_NOT_AVAILABLE)
     * @throws UnsupportedOperationException for reusePort where the system cannot balance datagrams
     */
    public static Udp bind(EventLoop loop, String host, int port, UdpOptions options, UdpHandler handler) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Platform.SOCKADDR_STORAGE);
            if (!Addresses.parse(arena, "localhost".equals(host) ? "127.0.0.1" : host, port, addr)) {
                throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + host);
            }
            int family = Platform.family(addr);
            if (options.ipv6Only() && family != Platform.AF_INET6) {
                throw new IllegalArgumentException("ipv6Only needs an IPv6 address, not " + host);
            }
            // The socket is made now, in the address's family, so options can be set on it before bind.
            Udp udp = new Udp(core, handler, family, options.receiveBatch());
            try {
                int flags = (options.ipv6Only() ? Uv.UDP_IPV6ONLY : 0) | (options.reuseAddress() ? Uv.UDP_REUSEADDR : 0);
                if (options.reusePort()) flags |= udp.reusePort();
                int bound = Uv.udpBind(udp.handle, addr, flags);
                if ((flags & Uv.UDP_REUSEPORT) != 0 && bound < 0 && Errors.of(bound).errorName().equals("ENOTSUP")) {
                    throw reusePortUnsupported();
                }
                if (bound < 0) throw Errors.of(bound, "binding UDP to " + host + " port " + port);
                Errors.check(Uv.udpRecvStart(udp.handle, udp.batchBuffer == null ? Upcalls.ALLOC : Upcalls.OWN_ALLOC, Upcalls.RECV));
            } catch (RuntimeException e) {
                udp.closeNow();
                throw e;
            }
            udp.exposed = true;
            return udp;
        }
    }

    /** As TCP's: libuv's own flag from 1.49, before it SO_REUSEPORT set here, before bind. */
    private int reusePort() {
        if (Uv.atLeast(1, 49)) return Uv.UDP_REUSEPORT;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fd = arena.allocate(ValueLayout.JAVA_LONG); // uv_os_fd_t: an int, or a HANDLE on Windows
            Errors.check(Uv.fileno(handle, fd));
            if (!Platform.setReusePort(fd.get(ValueLayout.JAVA_INT, 0))) throw reusePortUnsupported();
        }
        return 0;
    }

    private static UnsupportedOperationException reusePortUnsupported() {
        return new UnsupportedOperationException("juv: SO_REUSEPORT with load balancing is not available on " + Platform.OS);
    }

    /** The handle, for tests that read its options back. */
    long nativeHandle() {
        return handle;
    }

    // ------------------------------------------------------------------ receiving

    /** Whether libuv takes several datagrams a system call (recvmmsg) for this socket: receiveBatch above 1, where the OS has it. */
    public boolean batchesReceives() {
        core.checkThread();
        return batchBuffer != null && isAlive() && Uv.udpUsingRecvmmsg(handle);
    }

    @Override
    protected void onAlloc(long buf) {
        Platform.setBuf(buf, batchBuffer.address(), batchBuffer.byteSize());
    }

    @Override
    protected void onRecv(long nread, long buf, long addr, int flags) {
        if (isClosed()) return; // close() was asked: what still arrives is dropped
        if (nread < 0) {
            handler.onError(this, Errors.of(nread, "receiving"));
            return;
        }
        // nread 0 with no address is libuv's "nothing more to read" (or, after a batch,
        // UV_UDP_MMSG_FREE: "done with the buffer"), not a datagram.
        if (addr == 0) return;
        // UV_UDP_PARTIAL cannot happen: each slot holds 64 KiB, more than any UDP payload but an
        // IPv6 jumbogram.
        lastSender = Platform.readSockaddr(addr, lastSender);
        ByteBuffer view;
        if ((flags & Uv.UDP_MMSG_CHUNK) != 0) {
            // One datagram of a batch: its slot of the socket's buffer.
            int at = (int) (Platform.bufBase(buf) - batchBuffer.address());
            view = batchView.clear().position(at).limit(at + (int) nread).slice();
        } else {
            view = batchBuffer == null ? core.readView((int) nread) : batchView.clear().limit((int) nread);
        }
        handler.onDatagram(this, view, lastSender);
    }

    // ------------------------------------------------------------------ sending

    public boolean send(byte[] data, InetSocketAddress to) {
        return send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), to, null);
    }

    public boolean send(byte[] data, InetSocketAddress to, UdpSendCallback callback) {
        return send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), to, callback);
    }

    /** Sends the buffer's remaining bytes; its position is not changed. */
    public boolean send(ByteBuffer data, InetSocketAddress to) {
        return send(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), to, null);
    }

    public boolean send(ByteBuffer data, InetSocketAddress to, UdpSendCallback callback) {
        return send(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), to, callback);
    }

    /** Sends the string as UTF-8. */
    public boolean send(String data, InetSocketAddress to) {
        return send(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), to, null);
    }

    public boolean send(String data, InetSocketAddress to, UdpSendCallback callback) {
        return send(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), to, callback);
    }

    /** On a connected socket ({@link #connect}): to its peer. */
    public boolean send(byte[] data) {
        return send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), null, null);
    }

    public boolean send(ByteBuffer data) {
        return send(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), null, null);
    }

    public boolean send(String data) {
        return send(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), null, null);
    }

    public CompletableFuture<Void> sendAsync(byte[] data, InetSocketAddress to) {
        return sendAsync(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), to);
    }

    public CompletableFuture<Void> sendAsync(ByteBuffer data, InetSocketAddress to) {
        return sendAsync(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), to);
    }

    public CompletableFuture<Void> sendAsync(String data, InetSocketAddress to) {
        return sendAsync(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), to);
    }

    /** Completes once the kernel has the datagram, or exceptionally with a {@link UvException}; {@code to} null on a connected socket. */
    public CompletableFuture<Void> sendAsync(MemorySegment data, InetSocketAddress to) {
        CompletableFuture<Void> done = core.newFuture();
        send(data, to, (u, error) -> {
            if (error == null) done.complete(null);
            else done.completeExceptionally(error);
        });
        return done;
    }

    /**
     * Sends one datagram of the segment's bytes to {@code to} (null on a connected socket: to
     * its peer). Native bytes the kernel takes at once go uncopied; a queued datagram is a copy,
     * so the segment may go as soon as this returns. The callback runs before this returns when
     * the kernel took the datagram at once or refused it, else from the loop.
     *
     * @return true when the datagram was sent or queued; false when it was refused (closed,
     *         too large, unreachable: the callback says which)
     * @throws IllegalArgumentException for an unresolved address
     * @throws IllegalStateException    if the segment's arena is already closed
     */
    public boolean send(MemorySegment data, InetSocketAddress to, UdpSendCallback callback) {
        core.checkThread();
        Objects.requireNonNull(data, "data");
        if (!data.scope().isAlive()) throw new IllegalStateException("juv: sending a segment whose arena is closed");
        if (to != null && to.getAddress() == null) throw new IllegalArgumentException("juv: an unresolved address: " + to);
        if (isClosed()) {
            failed(callback, Errors.socketClosed("UDP socket"));
            return false;
        }
        long addr = 0;
        if (to != null) {
            addr = core.sockaddrScratch();
            Platform.writeSockaddr(addr, to.getAddress(), to.getPort(), ipv6);
        }
        if (data.byteSize() <= LoopCore.IO_BUFFER_SIZE) {
            int rc = core.trySend(handle, data, addr);
            if (rc == 0) {
                if (callback != null) callback.sent(this, null);
                return true;
            }
            if (rc < 0) {
                failed(callback, Errors.of(rc, to == null ? "sending" : "sending to " + to));
                return false;
            }
        }
        UdpSend send = new UdpSend(core, this, data, callback);
        try {
            send.start(handle, addr);
        } catch (UvException e) {
            failed(callback, e);
            return false;
        }
        return true;
    }

    private void failed(UdpSendCallback callback, UvException e) {
        if (callback != null) callback.sent(this, e);
        else if (exposed && !isClosed()) handler.onError(this, e);
    }

    void sendDone(UdpSendCallback callback, int status) {
        if (status < 0) failed(callback, Errors.of(status, "sending"));
        else if (callback != null) callback.sent(this, null);
    }

    /** Bytes queued for the kernel (uv_udp_get_send_queue_size); 0 once closed. */
    public long sendQueueSize() {
        core.checkThread();
        return isAlive() ? Uv.udpSendQueueSize(handle) : 0;
    }

    /** Datagrams queued for the kernel (uv_udp_get_send_queue_count); 0 once closed. */
    public long sendQueueCount() {
        core.checkThread();
        return isAlive() ? Uv.udpSendQueueCount(handle) : 0;
    }

    // ------------------------------------------------------------------ connected UDP

    /**
     * Associates the socket with one peer (uv_udp_connect): sends without an address go to it,
     * and only its datagrams are received. A send with an address is then refused (EISCONN).
     */
    public void connect(InetSocketAddress peer) {
        checkOpen();
        Objects.requireNonNull(peer, "peer");
        if (peer.getAddress() == null) throw new IllegalArgumentException("juv: an unresolved address: " + peer);
        long addr = core.sockaddrScratch();
        Platform.writeSockaddr(addr, peer.getAddress(), peer.getPort(), ipv6);
        int rc = Uv.udpConnect(handle, addr);
        if (rc < 0) throw Errors.of(rc, "connecting UDP to " + peer);
        connected = true;
    }

    /** Dissolves the association of {@link #connect}. On Linux a socket bound to port 0 is unbound by it: its port goes back to the system. */
    public void disconnect() {
        checkOpen();
        if (!connected) return;
        Errors.check(Uv.udpConnect(handle, 0));
        connected = false;
    }

    public boolean isConnected() {
        return connected && !isClosed();
    }

    /** The peer of {@link #connect}. @throws UvException (ENOTCONN) if not connected */
    public InetSocketAddress remoteAddress() {
        return address(true);
    }

    /** The address and port the socket is bound to. */
    public InetSocketAddress localAddress() {
        return address(false);
    }

    private InetSocketAddress address(boolean peer) {
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Platform.SOCKADDR_STORAGE);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) Platform.SOCKADDR_STORAGE);
            Errors.check(peer ? Uv.udpPeerName(handle, addr, len) : Uv.udpSockName(handle, addr, len));
            return Platform.readSockaddr(addr.address(), null);
        }
    }

    // ------------------------------------------------------------------ options

    private void checkOpen() {
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("UDP socket");
    }

    /** SO_BROADCAST: may send to broadcast addresses. */
    public void broadcast(boolean on) {
        checkOpen();
        Errors.check(Uv.udpSetBroadcast(handle, on));
    }

    /** The unicast time to live (IP_TTL / IPV6_UNICAST_HOPS), 1 to 255. */
    public void ttl(int ttl) {
        checkOpen();
        Errors.check(Uv.udpSetTtl(handle, ttl));
    }

    /** The multicast time to live, 1 to 255 (0 keeps datagrams on this host). */
    public void multicastTtl(int ttl) {
        checkOpen();
        Errors.check(Uv.udpSetMulticastTtl(handle, ttl));
    }

    /** Whether multicast datagrams this socket sends loop back to this host's receivers. */
    public void multicastLoop(boolean on) {
        checkOpen();
        Errors.check(Uv.udpSetMulticastLoop(handle, on));
    }

    /** The interface multicast datagrams leave by: an address of it (an IPv4 literal, or an IPv6 one with its scope). */
    public void multicastInterface(String interfaceAddress) {
        checkOpen();
        Objects.requireNonNull(interfaceAddress, "interfaceAddress");
        try (Arena arena = Arena.ofConfined()) {
            Errors.check(Uv.udpSetMulticastInterface(handle, arena.allocateFrom(interfaceAddress)));
        }
    }

    /** Joins a multicast group on an interface (its address; null: the system chooses). */
    public void joinGroup(String group, String interfaceAddress) {
        membership(group, interfaceAddress, null, true);
    }

    public void leaveGroup(String group, String interfaceAddress) {
        membership(group, interfaceAddress, null, false);
    }

    /** Source-specific membership: datagrams to the group from {@code source} only. */
    public void joinSourceGroup(String group, String interfaceAddress, String source) {
        membership(group, interfaceAddress, Objects.requireNonNull(source, "source"), true);
    }

    public void leaveSourceGroup(String group, String interfaceAddress, String source) {
        membership(group, interfaceAddress, Objects.requireNonNull(source, "source"), false);
    }

    private void membership(String group, String iface, String source, boolean join) {
        checkOpen();
        Objects.requireNonNull(group, "group");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment g = arena.allocateFrom(group);
            MemorySegment i = iface == null ? MemorySegment.NULL : arena.allocateFrom(iface);
            int rc = source == null ? Uv.udpSetMembership(handle, g, i, join)
                    : Uv.udpSetSourceMembership(handle, g, i, arena.allocateFrom(source), join);
            if (rc < 0) throw Errors.of(rc, (join ? "joining " : "leaving ") + group + (source == null ? "" : " from " + source));
        }
    }

    /** SO_SNDBUF as the kernel reports it (on Linux twice what was set). */
    public int sendBufferSize() {
        checkOpen();
        return socketBufferSize(true, false, 0);
    }

    public void sendBufferSize(int bytes) {
        checkOpen();
        socketBufferSize(true, true, bytes);
    }

    /** SO_RCVBUF as the kernel reports it (on Linux twice what was set). */
    public int receiveBufferSize() {
        checkOpen();
        return socketBufferSize(false, false, 0);
    }

    public void receiveBufferSize(int bytes) {
        checkOpen();
        socketBufferSize(false, true, bytes);
    }



    // ------------------------------------------------------------------ closing

    /** Closes the socket; datagrams still queued fail with CANCELED. A second close does nothing. */
    public void close() {
        core.checkThread();
        closeNow();
    }

    @Override
    protected void onClosed() {
        if (exposed) handler.onClose(this);
    }

    @Override
    public String toString() {
        return "Udp[" + (isClosed() ? "closed" : connected ? "connected" : "open") + "]";
    }
}
