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
 *
 * <pre>{@code
 * Udp echo = loop.udp("127.0.0.1", 0, (udp, data, sender) -> udp.send(data, sender)); // send copies what it queues
 * Udp client = loop.udp("127.0.0.1", 0, (udp, data, sender) ->
 *         System.out.println(StandardCharsets.UTF_8.decode(data) + " from " + sender));
 * client.send("ping", echo.localAddress(), (udp, error) -> { if (error != null) System.err.println(error); });
 * }</pre>
 *
 * <p>Used from the loop's thread only. Once closed, a send is refused with
 * {@link io.juv.ErrorKind#SOCKET_CLOSED} (to its callback, future or {@code false}), the send
 * queue reads 0, and the addresses and options throw that error; {@link UdpHandler#onClose}
 * runs once libuv has freed the socket.
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
     * @param loop    the loop it belongs to; call on its thread
     * @param host    the address to bind
     * @param port    the port, 0 to 65535
     * @param options dual stack, address and port sharing, receive batches
     * @param handler hears of every datagram, of errors and of the close
     * @return the bound socket, receiving
     * @throws IllegalStateException         if the loop is closed
     * @throws IllegalArgumentException      for a host that is not an IP literal, a port out of
     *                                       range, or ipv6Only with an IPv4 host
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

    /**
     * {@return whether libuv takes several datagrams a system call (recvmmsg) for this socket}
     * True for receiveBatch above 1, where the OS has it.
     */
    public boolean batchesReceives() {
        core.checkThread();
        return batchBuffer != null && isAlive() && Uv.udpUsingRecvmmsg(handle);
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): libuv
     * asks for a receive buffer: with receiveBatch above 1, the socket's own.
     *
     * @param buf the uv_buf_t to fill
     */
    @Override
    protected void onAlloc(long buf) {
        Platform.setBuf(buf, batchBuffer.address(), batchBuffer.byteSize());
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): libuv's
     * receive callback, which hands each datagram to {@link UdpHandler#onDatagram}.
     *
     * @param nread the datagram's length, or a negative libuv error
     * @param buf   the uv_buf_t read into
     * @param addr  the sender's sockaddr, or 0 when nothing more is to be read
     * @param flags libuv's UV_UDP_* flags
     */
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

    /**
     * Sends the bytes as one datagram to {@code to}, as {@link #send(MemorySegment, InetSocketAddress, UdpSendCallback)}
     * does; a failure goes to {@link UdpHandler#onError}.
     *
     * @param data the datagram (copied if it must wait)
     * @param to   where to send it
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(byte[] data, InetSocketAddress to) {
        return send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), to, null);
    }

    /**
     * Sends the bytes as one datagram to {@code to}, as {@link #send(MemorySegment, InetSocketAddress, UdpSendCallback)}.
     *
     * @param data     the datagram (copied if it must wait)
     * @param to       where to send it; null on a connected socket
     * @param callback told when it was sent or refused, or null (a failure then goes to onError)
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(byte[] data, InetSocketAddress to, UdpSendCallback callback) {
        return send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), to, callback);
    }

    /**
     * Sends the buffer's remaining bytes as one datagram to {@code to}; its position is not
     * changed. A failure goes to {@link UdpHandler#onError}.
     *
     * @param data the datagram (copied if it must wait)
     * @param to   where to send it
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(ByteBuffer data, InetSocketAddress to) {
        return send(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), to, null);
    }

    /**
     * Sends the buffer's remaining bytes as one datagram to {@code to}; its position is not changed.
     *
     * @param data     the datagram (copied if it must wait)
     * @param to       where to send it; null on a connected socket
     * @param callback told when it was sent or refused, or null (a failure then goes to onError)
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(ByteBuffer data, InetSocketAddress to, UdpSendCallback callback) {
        return send(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), to, callback);
    }

    /**
     * Sends the string, as UTF-8, as one datagram to {@code to}. A failure goes to {@link UdpHandler#onError}.
     *
     * @param data the datagram's text
     * @param to   where to send it
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(String data, InetSocketAddress to) {
        return send(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), to, null);
    }

    /**
     * Sends the string, as UTF-8, as one datagram to {@code to}.
     *
     * @param data     the datagram's text
     * @param to       where to send it; null on a connected socket
     * @param callback told when it was sent or refused, or null (a failure then goes to onError)
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(String data, InetSocketAddress to, UdpSendCallback callback) {
        return send(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), to, callback);
    }

    /**
     * On a connected socket ({@link #connect}): sends the bytes as one datagram to its peer. A
     * failure goes to {@link UdpHandler#onError}.
     *
     * @param data the datagram (copied if it must wait)
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(byte[] data) {
        return send(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), null, null);
    }

    /**
     * On a connected socket: sends the buffer's remaining bytes to its peer; the position is not changed.
     *
     * @param data the datagram (copied if it must wait)
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(ByteBuffer data) {
        return send(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), null, null);
    }

    /**
     * On a connected socket: sends the string, as UTF-8, to its peer.
     *
     * @param data the datagram's text
     * @return true when it was sent or queued, false when it was refused
     */
    public boolean send(String data) {
        return send(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), null, null);
    }

    /**
     * {@link #send(byte[], InetSocketAddress, UdpSendCallback)}, as a future.
     *
     * @param data the datagram
     * @param to   where to send it; null on a connected socket
     * @return a future that completes once the kernel has the datagram, or exceptionally with a {@link UvException}
     */
    public CompletableFuture<Void> sendAsync(byte[] data, InetSocketAddress to) {
        return sendAsync(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), to);
    }

    /**
     * {@link #send(ByteBuffer, InetSocketAddress, UdpSendCallback)}, as a future.
     *
     * @param data the datagram: the buffer's remaining bytes
     * @param to   where to send it; null on a connected socket
     * @return a future that completes once the kernel has the datagram, or exceptionally with a {@link UvException}
     */
    public CompletableFuture<Void> sendAsync(ByteBuffer data, InetSocketAddress to) {
        return sendAsync(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")), to);
    }

    /**
     * {@link #send(String, InetSocketAddress, UdpSendCallback)}, as a future.
     *
     * @param data the datagram's text, sent as UTF-8
     * @param to   where to send it; null on a connected socket
     * @return a future that completes once the kernel has the datagram, or exceptionally with a {@link UvException}
     */
    public CompletableFuture<Void> sendAsync(String data, InetSocketAddress to) {
        return sendAsync(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), to);
    }

    /**
     * {@link #send(MemorySegment, InetSocketAddress, UdpSendCallback)}, as a future.
     *
     * @param data the datagram: the segment's bytes
     * @param to   where to send it; null on a connected socket
     * @return a future that completes once the kernel has the datagram, or exceptionally with a {@link UvException}
     * @throws IllegalArgumentException for an unresolved address
     * @throws IllegalStateException    if the segment's arena is already closed
     */
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
     * @param data     the datagram
     * @param to       where to send it; null on a connected socket
     * @param callback told when it was sent or refused, or null (a failure then goes to onError)
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

    /** {@return the bytes queued for the kernel (uv_udp_get_send_queue_size); 0 once closed} */
    public long sendQueueSize() {
        core.checkThread();
        return isAlive() ? Uv.udpSendQueueSize(handle) : 0;
    }

    /** {@return the datagrams queued for the kernel (uv_udp_get_send_queue_count); 0 once closed} */
    public long sendQueueCount() {
        core.checkThread();
        return isAlive() ? Uv.udpSendQueueCount(handle) : 0;
    }

    // ------------------------------------------------------------------ connected UDP

    /**
     * Associates the socket with one peer (uv_udp_connect): sends without an address go to it,
     * and only its datagrams are received. A send with an address is then refused (EISCONN).
     *
     * @param peer the peer's address
     * @throws IllegalArgumentException for an unresolved address
     * @throws UvException              {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the
     *                                  system's error (EISCONN when connected already)
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

    /**
     * Dissolves the association of {@link #connect}; nothing if not connected. On Linux a socket
     * bound to port 0 is unbound by it: its port goes back to the system.
     *
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public void disconnect() {
        checkOpen();
        if (!connected) return;
        Errors.check(Uv.udpConnect(handle, 0));
        connected = false;
    }

    /** {@return true while the socket is associated with a peer ({@link #connect}) and open} */
    public boolean isConnected() {
        return connected && !isClosed();
    }

    /**
     * {@return the peer of {@link #connect}}
     *
     * @throws UvException ENOTCONN if not connected; {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public InetSocketAddress remoteAddress() {
        return address(true);
    }

    /**
     * {@return the address and port the socket is bound to}
     *
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
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

    /**
     * SO_BROADCAST: whether the socket may send to broadcast addresses.
     *
     * @param on true to allow it
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void broadcast(boolean on) {
        checkOpen();
        Errors.check(Uv.udpSetBroadcast(handle, on));
    }

    /**
     * Sets the unicast time to live (IP_TTL / IPV6_UNICAST_HOPS).
     *
     * @param ttl 1 to 255
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error (EINVAL out of range)
     */
    public void ttl(int ttl) {
        checkOpen();
        Errors.check(Uv.udpSetTtl(handle, ttl));
    }

    /**
     * Sets the multicast time to live.
     *
     * @param ttl 1 to 255, or 0 to keep datagrams on this host
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error (EINVAL out of range)
     */
    public void multicastTtl(int ttl) {
        checkOpen();
        Errors.check(Uv.udpSetMulticastTtl(handle, ttl));
    }

    /**
     * Sets whether multicast datagrams this socket sends loop back to this host's receivers.
     *
     * @param on true to loop them back
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void multicastLoop(boolean on) {
        checkOpen();
        Errors.check(Uv.udpSetMulticastLoop(handle, on));
    }

    /**
     * Sets the interface multicast datagrams leave by.
     *
     * @param interfaceAddress an address of it: an IPv4 literal, or an IPv6 one with its scope
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void multicastInterface(String interfaceAddress) {
        checkOpen();
        Objects.requireNonNull(interfaceAddress, "interfaceAddress");
        try (Arena arena = Arena.ofConfined()) {
            Errors.check(Uv.udpSetMulticastInterface(handle, arena.allocateFrom(interfaceAddress)));
        }
    }

    /**
     * Joins a multicast group on an interface.
     *
     * @param group            the group's address
     * @param interfaceAddress the interface's address, or null: the system chooses
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void joinGroup(String group, String interfaceAddress) {
        membership(group, interfaceAddress, null, true);
    }

    /**
     * Leaves a multicast group joined with {@link #joinGroup}.
     *
     * @param group            the group's address
     * @param interfaceAddress the interface's address, or null as when joining
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void leaveGroup(String group, String interfaceAddress) {
        membership(group, interfaceAddress, null, false);
    }

    /**
     * Joins a group for datagrams from {@code source} only (source-specific multicast).
     *
     * @param group            the group's address
     * @param interfaceAddress the interface's address, or null: the system chooses
     * @param source           the sender whose datagrams are wanted
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void joinSourceGroup(String group, String interfaceAddress, String source) {
        membership(group, interfaceAddress, Objects.requireNonNull(source, "source"), true);
    }

    /**
     * Leaves a source-specific membership joined with {@link #joinSourceGroup}.
     *
     * @param group            the group's address
     * @param interfaceAddress the interface's address, or null as when joining
     * @param source           the sender given when joining
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
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

    /**
     * {@return SO_SNDBUF as the kernel reports it (on Linux twice what was set)}
     *
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public int sendBufferSize() {
        checkOpen();
        return socketBufferSize(true, false, 0);
    }

    /**
     * Asks for a send buffer of {@code bytes} (SO_SNDBUF).
     *
     * @param bytes the size asked for
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws UvException              {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void sendBufferSize(int bytes) {
        checkOpen();
        socketBufferSize(true, true, bytes);
    }

    /**
     * {@return SO_RCVBUF as the kernel reports it (on Linux twice what was set)}
     *
     * @throws UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public int receiveBufferSize() {
        checkOpen();
        return socketBufferSize(false, false, 0);
    }

    /**
     * Asks for a receive buffer of {@code bytes} (SO_RCVBUF).
     *
     * @param bytes the size asked for
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws UvException              {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; the system's error
     */
    public void receiveBufferSize(int bytes) {
        checkOpen();
        socketBufferSize(false, true, bytes);
    }



    // ------------------------------------------------------------------ closing

    /**
     * Closes the socket; datagrams still queued fail with CANCELED, and {@link UdpHandler#onClose}
     * follows once libuv has freed it. A second close does nothing.
     */
    public void close() {
        core.checkThread();
        closeNow();
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * socket is closed: {@link UdpHandler#onClose} runs, if it was ever bound.
     */
    @Override
    protected void onClosed() {
        if (exposed) handler.onClose(this);
    }

    @Override
    public String toString() {
        return "Udp[" + (isClosed() ? "closed" : connected ? "connected" : "open") + "]";
    }
}
