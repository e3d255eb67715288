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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP connection: accepted by a {@link TcpServer} or opened by {@link EventLoop#connect}.
 *
 * <p>Writes go to the kernel at once when it takes them ({@code uv_try_write}); what it does not
 * take is copied to native memory and queued, so the caller's buffer may be reused as soon as
 * {@code write} returns. {@link #close()} is graceful: queued writes are flushed, the write side
 * is shut down, then the socket closes. {@link #closeNow()} drops what is queued.
 */
public final class TcpSocket extends HandleBase {

    private final SocketHandler handler;
    private final boolean incoming;
    private Object attachment;
    private boolean connected;
    private boolean reading;
    private boolean paused;
    private boolean ending;
    private int queuedWrites;
    private CompletableFuture<TcpSocket> connecting;

    TcpSocket(LoopCore core, SocketHandler handler, boolean incoming) {
        super(core, HandleKind.TCP, Uv::tcpInit);
        this.handler = handler;
        this.incoming = incoming;
        if (incoming) core.incomingTcp++;
        else core.outgoingTcp++;
    }

    long nativeHandle() {
        return handle;
    }

    // ------------------------------------------------------------------ connection

    void connect(String host, int port, CompletableFuture<TcpSocket> future) {
        this.connecting = future;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Platform.SOCKADDR_STORAGE);
            if (Addresses.parse(arena, host, port, addr)) {
                connectTo(addr);
            } else {
                new DnsLookup(core, this, host, port).start(arena);
            }
        }
    }

    /** From the address lookup, or directly for an IP literal. */
    void connectTo(MemorySegment sockaddr) {
        if (isClosed()) {
            connectFailed(Errors.socketClosed("socket"));
            return;
        }
        try {
            new TcpConnect(core, this).start(handle, sockaddr);
        } catch (UvException e) {
            connectFailed(e);
        }
    }

    void connectDone(int status) {
        if (status < 0) {
            connectFailed(Errors.of(status));
            return;
        }
        established();
    }

    void connectFailed(UvException e) {
        try {
            if (!isClosed()) handler.onError(this, e);
        } finally {
            closeNow();
            if (connecting != null) connecting.completeExceptionally(e);
        }
    }

    /** The connection exists: accepted by a server, or connected. */
    void established() {
        connected = true;
        if (!paused) startReading();
        try {
            handler.onConnect(this);
        } finally {
            if (connecting != null) connecting.complete(this);
        }
    }

    // ------------------------------------------------------------------ reading

    private void startReading() {
        if (reading || isClosed()) return;
        Errors.check(Uv.readStart(handle, Upcalls.ALLOC, Upcalls.READ));
        reading = true;
    }

    @Override
    protected void onRead(long nread) {
        if (nread > 0) {
            if (!ending) handler.onData(this, core.readView((int) nread));
            return;
        }
        if (nread == 0) return; // EAGAIN: nothing to read after all
        reading = false;
        UvException e = Errors.of(nread);
        if (ending) {
            closeNow(); // we were closing anyway; the peer is done too
            return;
        }
        try {
            handler.onError(this, e);
        } finally {
            if (e.isEof()) close();
            else closeNow();
        }
    }

    /** Stops reading until {@link #resume()}: the kernel's buffer fills, and TCP slows the peer down. */
    public void pause() {
        core.checkThread();
        paused = true;
        if (reading && !isClosed()) {
            Uv.readStop(handle);
            reading = false;
        }
    }

    public void resume() {
        core.checkThread();
        paused = false;
        if (connected && !isClosed()) startReading();
    }

    public boolean isPaused() {
        return paused;
    }

    // ------------------------------------------------------------------ writing

    public void write(byte[] data) {
        write(MemorySegment.ofArray(data), null);
    }

    public void write(byte[] data, WriteCallback callback) {
        write(MemorySegment.ofArray(data), callback);
    }

    /** Writes the buffer's remaining bytes; its position is not changed. */
    public void write(ByteBuffer data) {
        write(MemorySegment.ofBuffer(data), null);
    }

    public void write(ByteBuffer data, WriteCallback callback) {
        write(MemorySegment.ofBuffer(data), callback);
    }

    /** Writes the string as UTF-8. */
    public void write(String data) {
        write(data.getBytes(StandardCharsets.UTF_8), null);
    }

    public void write(String data, WriteCallback callback) {
        write(data.getBytes(StandardCharsets.UTF_8), callback);
    }

    /**
     * Writes the segment's bytes. Native bytes the kernel takes at once are handed to it uncopied;
     * anything queued is copied, so the segment (and its arena) may go as soon as this returns.
     * The callback, if any, runs once the kernel has the bytes: before this method returns when
     * it took them at once, else from the loop.
     *
     * @throws UvException of kind {@link ErrorKind#SOCKET_CLOSED} if the socket is closed or closing
     * @throws IllegalStateException if the segment's arena is already closed
     */
    public void write(MemorySegment data, WriteCallback callback) {
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("socket");
        // A socket reaches user code only once connected (onConnect, the future) or closed.
        if (!connected) throw new IllegalStateException("juv: the socket is not connected yet");
        if (!data.scope().isAlive()) throw new IllegalStateException("juv: writing a segment whose arena is closed");
        long n = data.byteSize();
        long written = 0;
        if (queuedWrites == 0 && n <= LoopCore.IO_BUFFER_SIZE) {
            int rc = core.tryWrite(handle, data);
            if (rc < 0) {
                writeFailed(Errors.of(rc), callback);
                return;
            }
            written = rc;
            if (written == n) {
                if (callback != null) callback.written(this, null);
                return;
            }
        }
        TcpWrite w = new TcpWrite(core, this, data.asSlice(written), callback);
        queuedWrites++;
        try {
            w.start(handle);
        } catch (UvException e) {
            queuedWrites--;
            writeFailed(e, callback);
        }
    }

    void writeDone(TcpWrite w, int status) {
        queuedWrites--;
        if (status < 0) {
            writeFailed(Errors.of(status), w.callback());
            return;
        }
        if (w.callback() != null) w.callback().written(this, null);
        if (queuedWrites == 0 && !isClosed()) handler.onDrain(this);
    }

    private void writeFailed(UvException e, WriteCallback callback) {
        try {
            if (callback != null) callback.written(this, e);
            else if (e.kind() != ErrorKind.CANCELED && !isClosed()) handler.onError(this, e);
        } finally {
            if (e.kind() != ErrorKind.CANCELED) closeNow();
        }
    }

    /** Writes queued in juv or libuv and not yet taken by the kernel. */
    public int queuedWrites() {
        return queuedWrites;
    }

    /** Bytes queued in libuv and not yet taken by the kernel. */
    public long writeQueueSize() {
        core.checkThread();
        return isAlive() ? Uv.writeQueueSize(handle) : 0;
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes gracefully: queued writes are flushed, then the write side is shut down (the peer
     * reads end of stream), then the socket closes. Bytes that arrive meanwhile are dropped.
     * Safe to call more than once.
     */
    public void close() {
        if (isClosed()) return;
        core.checkThread();
        if (!connected) {
            closeNow();
            return;
        }
        ending = true;
        try {
            new TcpShutdown(core, this).start(handle);
        } catch (UvException e) {
            closeNow(); // ENOTCONN and the like: nothing to flush to
        }
    }

    void shutdownDone() {
        closeNow();
    }

    /** Closes at once: queued writes are cancelled (their callbacks see {@link ErrorKind#CANCELED}). */
    public void closeNow() {
        super.closeNow();
    }

    /** True once {@link #close()} or {@link #closeNow()} was called, or the connection ended. */
    @Override
    public boolean isClosed() {
        return ending || super.isClosed();
    }

    @Override
    protected void onClosed() {
        if (incoming) core.incomingTcp--;
        else core.outgoingTcp--;
        handler.onClose(this);
    }

    // ------------------------------------------------------------------ the rest

    /** True for a connection a server accepted, false for one this program opened. */
    public boolean isIncoming() {
        return incoming;
    }

    public boolean isConnected() {
        return connected && !isClosed();
    }

    public Object attachment() {
        return attachment;
    }

    /** Attaches any object to the socket, for the handler's use. Returns the previous one. */
    public Object attach(Object value) {
        Object old = attachment;
        attachment = value;
        return old;
    }

    public InetSocketAddress remoteAddress() {
        core.checkThread();
        if (!isConnected()) throw Errors.socketClosed("socket");
        return Addresses.ofTcp(handle, true);
    }

    public InetSocketAddress localAddress() {
        core.checkThread();
        if (!isConnected()) throw Errors.socketClosed("socket");
        return Addresses.ofTcp(handle, false);
    }

    /** Disables (true) or enables Nagle's algorithm. */
    public void noDelay(boolean on) {
        core.checkThread();
        if (!isAlive()) throw Errors.socketClosed("socket");
        Errors.check(Uv.tcpNoDelay(handle, on));
    }
}
