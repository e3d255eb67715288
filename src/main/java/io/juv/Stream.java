package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.Deadline;
import io.juv.internal.LoopCore;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A byte stream on libuv's {@code uv_stream_t}: what TCP sockets, pipes and (later) TTYs, TLS
 * sessions and process stdio all are. One type carries writing, reading, half-close,
 * backpressure, idle timeouts, the attachment and the close protocol, so each kind adds only what
 * is its own (Node: {@code net.Socket} over {@code stream.Duplex}).
 *
 * <p><b>Writing.</b> A write goes to the kernel at once when it takes it ({@code uv_try_write});
 * what it does not take is copied into native memory and queued, so the caller's bytes may be
 * reused as soon as {@code write} returns. Each form has a callback and a {@link CompletableFuture}
 * variant. A write never throws for the stream's state: on a stream that is closed, closing or
 * shut down for writing it is refused with {@link ErrorKind#SOCKET_CLOSED}, told to its callback
 * or future, and dropped, so a handler needs no guard around its writes (Netty fails the future,
 * Node calls back with an error). A failing write with no callback (ECONNRESET, say) is reported
 * to {@link StreamHandler#onError} once and closes the stream.
 *
 * <p><b>Backpressure.</b> {@link #writable()} turns false once more than the high water mark is
 * queued and true again once the queue falls to the low water mark, when
 * {@link StreamHandler#onDrain} runs (defaults 64 KiB and 32 KiB, as Netty's). A writer that
 * stops on {@code writable() == false} holds its memory to the high mark plus one write.
 *
 * <p><b>Ending.</b> {@link #shutdown()} ends the write side after the queued writes (the peer
 * reads end of stream) and keeps reading. The peer's end of stream is
 * {@link StreamHandler#onEnd}; after it juv closes the stream gracefully unless
 * {@link #allowHalfOpen(boolean)} was set, in which case the stream stays open for writing until
 * the program ends it. {@link #close()} is graceful: queued writes are flushed, the write side is
 * shut down, then the handle closes. {@link #closeNow()} cancels what is queued.
 *
 * {@snippet :
 * // A writer that respects backpressure: it stops when write() says the queue is full and goes
 * // on from onDrain, so it never holds more than the high water mark plus one chunk.
 * class Pump implements SocketHandler {
 *     final Iterator<byte[]> chunks;
 *     Pump(Iterator<byte[]> chunks) { this.chunks = chunks; }
 *     void pump(TcpSocket s) {
 *         while (chunks.hasNext()) if (!s.write(chunks.next())) return; // wait for onDrain
 *         s.close();                                                    // flushes, then closes
 *     }
 *     public void onConnect(TcpSocket s) { pump(s); }
 *     public void onDrain(TcpSocket s) { pump(s); }
 *     public void onData(TcpSocket s, ByteBuffer data) {}
 * }
 * }
 *
 * <p><b>Reading.</b> Reading starts when the stream is connected (accepted, or its connect
 * completed), unless it was {@link #pause()}d before. Each read's bytes go to
 * {@link StreamHandler#onData} as a read-only view of the loop's read buffer, valid during that
 * call only; copy what you keep.
 *
 * <p><b>After close.</b> Once {@link #isClosed()} is true, writes are refused (above), the
 * getters answer from Java state, and {@link #readTimeout}, {@link #writeTimeout} and
 * {@link #closeLinger} throw a {@link UvException} of kind {@link ErrorKind#SOCKET_CLOSED}. {@link StreamHandler#onClose} is
 * the last call the handler gets, once libuv has closed the handle and its native memory is freed.
 *
 * <p>All methods must be called on the loop's thread (a call from another thread throws
 * {@link WrongThreadException}), except what {@link #inputStream()} and {@link #outputStream()}
 * return.
 */
public abstract class Stream extends HandleBase {

    /** Queued bytes above which {@link #writable()} turns false (Netty's default). */
    public static final long DEFAULT_HIGH_WATER_MARK = 64 * 1024;
    /** How long a graceful close waits for the peer's end of stream, unless {@link #closeLinger} says otherwise. */
    public static final long DEFAULT_CLOSE_LINGER_MILLIS = 2_000;
    /** Queued bytes at which {@link #writable()} turns true again and onDrain runs. */
    public static final long DEFAULT_LOW_WATER_MARK = 32 * 1024;

    private final StreamHandler<Stream> handler;
    private Object attachment;
    /** Handler calls wait for this: a connect attempt that fails and is retried is never seen. */
    private boolean exposed;
    private boolean connected;
    private boolean reading;
    private boolean paused;
    private boolean allowHalfOpen;
    private boolean readEnded;
    private boolean writeEnded;
    private boolean shutdownDone;
    private boolean closing;
    private int queuedWrites;
    private long queuedBytes;
    private boolean writable = true;
    /** What few streams set or use, made with the first of them: null for most, which saves every connection 32 bytes. */
    private Extras extras;

    /** A stream's rarely used state, apart: its defaults stand while {@link #extras} is null. */
    private static final class Extras {
        /** Between a graceful close's shutdown and the peer's end of stream (or {@link #closeLinger}'s limit). */
        Deadline linger;
        long lingerMillis = DEFAULT_CLOSE_LINGER_MILLIS;
        long highWater = DEFAULT_HIGH_WATER_MARK;
        long lowWater = DEFAULT_LOW_WATER_MARK;
        StreamTimeouts timeouts;
        BlockingInput input;
        BlockingOutput output;
    }

    private Extras extras() {
        if (extras == null) extras = new Extras();
        return extras;
    }

    private StreamTimeouts timeoutsOrNull() {
        return extras == null ? null : extras.timeouts;
    }

    private BlockingInput inputOrNull() {
        return extras == null ? null : extras.input;
    }

    /**
     * For the stream kinds (io.juv.net, io.juv.process, io.juv.tty): a stream on a new libuv handle.
     *
     * @param core    the loop's core
     * @param kind    the handle's kind
     * @param init    how libuv initialises the handle (uv_tcp_init, uv_pipe_init ...)
     * @param handler the handler, of the kind's own stream type
     */
    @SuppressWarnings("unchecked")
    protected Stream(LoopCore core, HandleKind kind, Init init, StreamHandler<?> handler) {
        super(core, kind, init);
        // Each kind's constructor takes a StreamHandler<? super ItsKind> and passes itself: sound.
        this.handler = (StreamHandler<Stream>) handler;
    }

    /**
     * A stream layered on another juv stream (TLS over TCP), with no libuv handle of its own: it
     * overrides every transport method below, and {@link #closeNative()}.
     *
     * @param core    the loop's core
     * @param kind    the layered kind ({@link HandleKind#TLS})
     * @param handler the handler, of the kind's own stream type
     */
    @SuppressWarnings("unchecked")
    protected Stream(LoopCore core, HandleKind kind, StreamHandler<?> handler) {
        super(core, kind);
        this.handler = (StreamHandler<Stream>) handler;
    }

    /** {@return the stream as libuv knows it (its uv_stream_t's address; 0 for a layered stream), for the kinds' own calls} */
    protected final long stream() {
        return handle;
    }

    // ------------------------------------------------------------------ connection

    /** For the kinds: the connection exists (accepted, or connected); reading starts and the handler hears of it. */
    protected final void established() {
        connected = true;
        exposed = true;
        if (!paused) startReading();
        handler.onConnect(this);
    }

    /**
     * For the kinds: a connect failed for good; the handler hears of it once, then the stream closes.
     *
     * @param e why it failed
     */
    protected final void connectFailed(UvException e) {
        exposed = true;
        try {
            if (!super.isClosed()) handler.onError(this, e);
        } finally {
            closeNow();
        }
    }

    /** For the kinds: a failed connect attempt that another will follow, closed without a word to the handler. */
    protected final void abandon() {
        closeNow();
    }

    /** {@return true from the connection's start (accepted, or connected) until the stream is closed} */
    public boolean isConnected() {
        return connected && !isClosed();
    }

    // ------------------------------------------------------------------ reading

    private void startReading() {
        if (reading || readEnded || super.isClosed()) return;
        holdForCallbacks();
        transportReadStart();
        reading = true;
        StreamTimeouts timeouts = timeoutsOrNull();
        if (timeouts != null) timeouts.readResumed();
    }

    private void stopReading() {
        if (!reading) return;
        transportReadStop();
        reading = false;
    }

    @Override
    protected final void onRead(long nread) {
        if (nread > 0) {
            StreamTimeouts timeouts = timeoutsOrNull();
            if (timeouts != null) timeouts.readActivity();
            beforeRead();
            if (closing) return; // close() was asked: what still arrives is dropped
            deliver(core.readView((int) nread));
            return;
        }
        if (nread == 0) return; // EAGAIN: nothing to read after all
        if (Errors.isEof(nread)) readEndedByPeer(); // every connection ends so: no exception (and stack trace) made for it
        else transportEnded(Errors.of(nread));
    }

    private void deliver(ByteBuffer view) {
        BlockingInput input = inputOrNull();
        if (input != null) input.offer(view);
        else handler.onData(this, view);
    }

    /** For the kinds: runs before each read's bytes are delivered, for kinds that receive more than bytes (an IPC pipe's handles). */
    protected void beforeRead() {}

    private void peerEnded() {
        readEnded = true;
        BlockingInput input = inputOrNull();
        if (input != null) input.end();
        if (closing) {
            if (shutdownDone) closeNow(); // the linger after close() is over
            return; // else the shutdown's completion closes the handle
        }
        core.guard(() -> handler.onEnd(this)); // a throwing onEnd must not leave the stream open
        if (super.isClosed()) return;
        if (writeEnded && shutdownDone) closeNow();
        else if (!allowHalfOpen) close();
    }

    /** Reports an error once and closes at once. */
    private void fail(UvException e) {
        if (super.isClosed()) return;
        if (extras != null && extras.linger != null) { // the program closed it and every write is done: a reset now ends the linger, quietly
            closeNow();
            return;
        }
        BlockingInput input = inputOrNull();
        if (input != null) input.fail(e);
        try {
            handler.onError(this, e);
        } finally {
            closeNow();
        }
    }

    /** From the stream's timeouts. */
    void timedOut(String what, long millis) {
        fail(Errors.timedOut(what + " timed out after " + millis + " ms"));
    }

    /**
     * Stops reading until {@link #resume()}: the kernel's buffer fills, and the peer is slowed
     * down. Before the connection exists it keeps reading from starting. Does nothing to a closed
     * stream but remember it.
     */
    public void pause() {
        core.checkThread();
        paused = true;
        if (!super.isClosed()) stopReading();
    }

    /** Reads again after {@link #pause()}; nothing while the stream is not connected, or once it is closed. */
    public void resume() {
        core.checkThread();
        paused = false;
        if (connected && !closing && !super.isClosed()) startReading();
    }

    /** {@return true after {@link #pause()}, until {@link #resume()}} */
    public boolean isPaused() {
        return paused;
    }

    /**
     * With {@code true}, the peer's end of stream leaves the stream open for writing (Node's
     * {@code allowHalfOpen}): the program ends it with {@link #shutdown()} or {@link #close()}.
     * With {@code false} (the default) juv closes it gracefully after {@link StreamHandler#onEnd}.
     *
     * @param allow whether the peer's end leaves the write side open
     */
    public void allowHalfOpen(boolean allow) {
        core.checkThread();
        allowHalfOpen = allow;
    }

    /** {@return true once the peer's end of stream arrived} */
    public boolean isReadEnded() {
        return readEnded;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes the bytes (see {@link #write(MemorySegment, WriteCallback)}); the array may be reused
     * as soon as this returns.
     *
     * @param data the bytes to write
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     */
    public boolean write(byte[] data) {
        return write(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), null);
    }

    /**
     * Writes the bytes, then tells {@code callback} (see {@link #write(MemorySegment, WriteCallback)}).
     *
     * @param data     the bytes to write
     * @param callback called once the kernel has them, or with the write's error; may be null
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     */
    public boolean write(byte[] data, WriteCallback callback) {
        return write(MemorySegment.ofArray(Objects.requireNonNull(data, "data")), callback);
    }

    /**
     * Writes the bytes; the future tells when they are written.
     *
     * @param data the bytes to write
     * @return completes on the loop's thread once the kernel has the bytes, or exceptionally
     *         with the write's {@link UvException} (a refused write: {@link ErrorKind#SOCKET_CLOSED})
     */
    public CompletableFuture<Void> writeAsync(byte[] data) {
        return writeAsync(MemorySegment.ofArray(Objects.requireNonNull(data, "data")));
    }

    /**
     * Writes the buffer's remaining bytes; its position is not changed. The read view that
     * {@link StreamHandler#onData} was given may be written back as it is (an echo).
     *
     * @param data the bytes to write, from its position to its limit
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     */
    public boolean write(ByteBuffer data) {
        return write(data, null);
    }

    /**
     * Writes the buffer's remaining bytes, then tells {@code callback}; its position is not changed.
     *
     * @param data     the bytes to write, from its position to its limit
     * @param callback called once the kernel has them, or with the write's error; may be null
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     */
    public boolean write(ByteBuffer data, WriteCallback callback) {
        if (core.isReadView(Objects.requireNonNull(data, "data"))) {
            // The read view written back (an echo) goes from the loop's read buffer where it lies:
            // no segment is made for it, which escape analysis removes only while this call site
            // has seen few kinds of buffer (else 40 bytes a write).
            core.checkThread();
            return write(core.readSegment(), data.position(), data.remaining(), callback);
        }
        return write(MemorySegment.ofBuffer(data), callback);
    }

    /**
     * Writes the buffer's remaining bytes; its position is not changed.
     *
     * @param data the bytes to write, from its position to its limit
     * @return completes on the loop's thread once the kernel has the bytes, or exceptionally
     *         with the write's {@link UvException} (a refused write: {@link ErrorKind#SOCKET_CLOSED})
     */
    public CompletableFuture<Void> writeAsync(ByteBuffer data) {
        return writeAsync(MemorySegment.ofBuffer(Objects.requireNonNull(data, "data")));
    }

    /**
     * Writes the string as UTF-8.
     *
     * @param data the text to write
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     */
    public boolean write(String data) {
        return write(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * Writes the string as UTF-8, then tells {@code callback}.
     *
     * @param data     the text to write
     * @param callback called once the kernel has the bytes, or with the write's error; may be null
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     */
    public boolean write(String data, WriteCallback callback) {
        return write(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), callback);
    }

    /**
     * Writes the string as UTF-8.
     *
     * @param data the text to write
     * @return completes on the loop's thread once the kernel has the bytes, or exceptionally
     *         with the write's {@link UvException} (a refused write: {@link ErrorKind#SOCKET_CLOSED})
     */
    public CompletableFuture<Void> writeAsync(String data) {
        return writeAsync(Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the segment's bytes (see {@link #write(MemorySegment, WriteCallback)}).
     *
     * @param data the bytes to write
     * @return completes on the loop's thread once the kernel has the bytes, or exceptionally
     *         with the write's {@link UvException} (a refused write: {@link ErrorKind#SOCKET_CLOSED})
     * @throws IllegalStateException if the segment's arena is already closed
     */
    public CompletableFuture<Void> writeAsync(MemorySegment data) {
        CompletableFuture<Void> done = core.newFuture();
        write(data, (s, error) -> {
            if (error == null) done.complete(null);
            else done.completeExceptionally(error);
        });
        return done;
    }

    /**
     * Writes the segment's bytes. Native bytes the kernel takes at once are handed to it uncopied;
     * anything queued is copied, so the segment (and its arena) may go as soon as this returns.
     * The callback, if any, runs once the kernel has the bytes: before this method returns when
     * it took them at once (or when the write is refused), else from the loop.
     *
     * @param data     the bytes to write
     * @param callback called once the kernel has the bytes, or with the write's error; may be null
     * @return {@link #writable()}: false asks the writer to wait for {@link StreamHandler#onDrain}
     * @throws IllegalStateException if the segment's arena is already closed
     */
    public boolean write(MemorySegment data, WriteCallback callback) {
        core.checkThread();
        if (!Objects.requireNonNull(data, "data").scope().isAlive()) throw new IllegalStateException("juv: writing a segment whose arena is closed");
        return write(data, 0, data.byteSize(), callback);
    }

    /** Writes {@code n} bytes of a live segment from {@code offset}: tried at once, the rest queued. */
    private boolean write(MemorySegment data, long offset, long n, WriteCallback callback) {
        if (isClosed() || writeEnded) {
            refused(callback);
            return false;
        }
        long written = 0;
        if (queuedWrites == 0 && n <= LoopCore.IO_BUFFER_SIZE) {
            int rc = transportTryWrite(data, offset, n);
            if (rc < 0) {
                writeFailed(Errors.of(rc), callback);
                return false;
            }
            written = rc;
            if (written == n) {
                if (callback != null) callback.written(this, null);
                return writable;
            }
        }
        return queue(data.asSlice(offset + written, n - written), null, callback);
    }

    /**
     * Writes bytes that carry another stream's handle (uv_write2, for an IPC pipe): queued like
     * every write, so queue counts, water marks and callbacks see it, but never try-written, since
     * uv_try_write cannot carry a handle. Once the write has started, {@code sent} is handed over:
     * it stops reading and is closed to this program at once ({@link #isClosed()}; writes refused),
     * and its handle is closed once the write is done, since libuv reads it until then. A write
     * refused before it starts (this stream closed or shut down, {@code sent} closed) leaves
     * {@code sent} as it was and tells the callback {@link ErrorKind#SOCKET_CLOSED}.
     *
     * @param data     the bytes that carry the handle (libuv needs at least one)
     * @param sent     the stream whose handle to send
     * @param callback called once the write is done, or with its error; may be null
     * @return {@link #writable()}, or false when the write was refused
     * @throws IllegalArgumentException if {@code sent} is this stream or belongs to another loop
     * @throws IllegalStateException if {@code sent} has writes queued, which would be lost
     */
    protected final boolean writeWithHandle(MemorySegment data, Stream sent, WriteCallback callback) {
        core.checkThread();
        if (sent == this || sent.core != core) throw new IllegalArgumentException("juv: can send only another stream of this loop");
        if (isClosed() || writeEnded) {
            refused(callback);
            return false;
        }
        if (sent.isClosed()) {
            if (callback != null) callback.written(this, Errors.socketClosed("the " + sent.kind() + " stream to send"));
            return false;
        }
        if (sent.queuedWrites > 0) throw new IllegalStateException("juv: a stream with queued writes cannot be sent");
        return queue(data, sent, callback);
    }

    private boolean queue(MemorySegment data, Stream sent, WriteCallback callback) {
        long size = data.byteSize();
        boolean wasEmpty = queuedWrites == 0;
        // Counted before it starts: a layered transport may complete it before transportWrite returns.
        queuedWrites++;
        queuedBytes += size;
        try {
            transportWrite(data, sent, callback);
        } catch (UvException e) {
            queuedWrites--;
            queuedBytes -= size;
            writeFailed(e, callback);
            return false;
        }
        if (sent != null) sent.handedOver();
        StreamTimeouts timeouts = timeoutsOrNull();
        if (wasEmpty && queuedWrites > 0 && timeouts != null) timeouts.writeQueued();
        if (queuedBytes > highWaterMark()) writable = false;
        return writable;
    }

    /** The handler a layered stream (TLS) gives the stream it lies on: what the layer must undo when both are lost. */
    protected interface LayerHandler {
        /**
         * {@return what to undo when the transport is found lost (dropped unclosed), or null}
         *
         * @param transport the stream the layer lies on
         */
        Runnable whenTransportLost(Stream transport);
    }

    @Override
    protected Runnable whenLost() {
        return handler instanceof LayerHandler l ? l.whenTransportLost(this) : null;
    }

    /** This stream's handle travels in another stream's write: closed to the program now, to libuv once it is sent. */
    private void handedOver() {
        stopReading();
        beginClose();
    }

    private void refused(WriteCallback callback) {
        if (callback != null) callback.written(this, Errors.socketClosed(kind() + " stream"));
    }

    void writeDone(StreamWrite w, int status) {
        if (w.sent() != null) Uv.close(w.sent().handle, Upcalls.CLOSE); // libuv is done with it, sent or not
        queuedWriteDone(w.size(), w.callback(), status < 0 ? Errors.of(status) : null);
    }

    /**
     * For a layered transport: a write that {@link #transportWrite} started is done.
     *
     * @param size     the write's size in bytes
     * @param callback the write's callback, or null
     * @param error    null when the bytes went out, else why not
     */
    protected final void queuedWriteDone(long size, WriteCallback callback, UvException error) {
        queuedWrites--;
        queuedBytes -= size;
        if (error != null) {
            writeFailed(error, callback);
            return;
        }
        StreamTimeouts timeouts = timeoutsOrNull();
        if (timeouts != null) timeouts.writeActivity();
        if (callback != null) {
            try {
                callback.written(this, null);
            } catch (Throwable t) {
                core.handleError(t); // here, so that the drain below still happens
            }
        }
        if (!writable && queuedBytes <= lowWaterMark() && !isClosed()) {
            writable = true;
            handler.onDrain(this);
        }
    }

    private void writeFailed(UvException e, WriteCallback callback) {
        boolean cancelled = e.kind() == ErrorKind.CANCELED;
        try {
            if (callback != null) callback.written(this, e);
            else if (!cancelled && !super.isClosed() && exposed) handler.onError(this, e);
        } finally {
            if (!cancelled) closeNow();
        }
    }

    /**
     * {@return false while more than the high water mark is queued, until the queue falls to the
     * low water mark} A closed stream, or one whose write side has ended, is never writable.
     */
    public boolean writable() {
        return writable && !isClosed() && !writeEnded;
    }

    /**
     * Sets the water marks of {@link #writable()}: 0 ≤ low ≤ high. Takes effect at once: with more
     * than {@code high} queued the stream is no longer writable.
     *
     * @param low  queued bytes at which the stream turns writable again and onDrain runs
     * @param high queued bytes above which it turns unwritable
     * @throws IllegalArgumentException unless 0 ≤ low ≤ high
     */
    public void waterMarks(long low, long high) {
        core.checkThread();
        if (low < 0 || high < low) throw new IllegalArgumentException("need 0 <= low <= high: " + low + ", " + high);
        Extras x = extras();
        x.lowWater = low;
        x.highWater = high;
        if (queuedBytes > high) writable = false;
    }

    /** {@return the queued bytes above which {@link #writable()} turns false} */
    public long highWaterMark() {
        return extras == null ? DEFAULT_HIGH_WATER_MARK : extras.highWater;
    }

    /** {@return the queued bytes at which {@link #writable()} turns true again} */
    public long lowWaterMark() {
        return extras == null ? DEFAULT_LOW_WATER_MARK : extras.lowWater;
    }

    /** {@return the writes queued and not yet taken by the kernel} */
    public int queuedWrites() {
        return queuedWrites;
    }

    /** {@return the bytes of the queued writes not yet completed: what the water marks count} */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** {@return the bytes libuv holds that the kernel has not taken yet (libuv's own count; 0 once closed)} */
    public long writeQueueSize() {
        core.checkThread();
        return isAlive() ? transportQueueSize() : 0;
    }

    // ------------------------------------------------------------------ timeouts

    /**
     * Fails the stream with {@link ErrorKind#TIMED_OUT} when nothing arrives for {@code timeout}
     * while it is reading (a pause stops the clock); re-armed by every read. Zero turns it off.
     * The stream then gets {@link StreamHandler#onError} and closes at once.
     *
     * @param timeout how long reading may wait; zero for no limit
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws UvException of kind {@link ErrorKind#SOCKET_CLOSED} if the stream is closed
     */
    public void readTimeout(Duration timeout) {
        core.checkThread();
        timeouts().read(Timer.millis(timeout, "timeout"));
    }

    /**
     * Fails the stream with {@link ErrorKind#TIMED_OUT} when queued writes make no progress for
     * {@code timeout}; re-armed by every completed write, idle while nothing is queued. Zero turns it off.
     * The stream then gets {@link StreamHandler#onError} and closes at once.
     *
     * @param timeout how long a queued write may wait; zero for no limit
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws UvException of kind {@link ErrorKind#SOCKET_CLOSED} if the stream is closed
     */
    public void writeTimeout(Duration timeout) {
        core.checkThread();
        timeouts().write(Timer.millis(timeout, "timeout"));
    }

    private StreamTimeouts timeouts() {
        if (isClosed()) throw Errors.socketClosed("stream");
        Extras x = extras();
        if (x.timeouts == null) x.timeouts = new StreamTimeouts(core, this);
        return x.timeouts;
    }

    boolean isReading() {
        return reading;
    }

    // ------------------------------------------------------------------ ending and closing

    /**
     * Ends the write side once the queued writes are written (the peer reads end of stream) and
     * keeps reading: a half-close (Node's {@code end()}, Netty's {@code shutdownOutput}). Writes
     * after it are refused. Once the peer has ended too, the stream closes. Does nothing on a
     * closed stream, or a second time.
     */
    public void shutdown() {
        core.checkThread();
        if (isClosed() || writeEnded) return;
        writeEnded = true;
        try {
            transportShutdown();
        } catch (UvException e) {
            fail(e);
        }
    }

    void shutdownDone(int status) {
        shutdownDone(status >= 0);
    }

    /**
     * For a layered transport: the shutdown that {@link #transportShutdown} started is done.
     *
     * @param ok false when it failed
     */
    protected final void shutdownDone(boolean ok) {
        shutdownDone = true;
        if (closing && ok && !readEnded && closeLingerMillis() > 0) lingerUntilPeerEnds();
        else if (closing || readEnded || !ok) closeNow();
    }

    /**
     * A graceful close keeps the socket open, reading and dropping, until the peer's end of stream:
     * a socket closed while the peer still sends, or with bytes of the peer's unread, makes the
     * kernel answer with RST, and an RST throws away what is still in our send buffer (the
     * kernel's, which libuv's completed writes have filled). The peer would miss the end of what
     * we wrote. Apache's lingering close and Node's {@code end()} wait in the same way.
     */
    private void lingerUntilPeerEnds() {
        Extras x = extras();
        if (x.timeouts != null) x.timeouts.close(); // the linger has its own bound
        x.linger = new Deadline(core, x.lingerMillis, this::closeNow);
        startReading(); // also when paused: what arrives now is dropped
    }

    /**
     * How long a graceful {@link #close()} waits, once its writes and shutdown are done, for the
     * peer's end of stream before it closes the socket anyway (2 s by default; zero closes at
     * once). While it waits, what the peer sends is dropped and the stream counts as closed.
     * Closing the socket earlier, while the peer still sends, lets the kernel reset the
     * connection and drop what it has not yet delivered of our writes.
     *
     * @param limit how long to wait; zero closes at once
     * @throws IllegalArgumentException if {@code limit} is negative
     * @throws UvException of kind {@link ErrorKind#SOCKET_CLOSED} if the stream is closed (set it before closing)
     */
    public void closeLinger(Duration limit) {
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("stream"); // as the timeouts: set before closing
        long millis = Timer.millis(limit, "limit");
        if (extras != null || millis != DEFAULT_CLOSE_LINGER_MILLIS) extras().lingerMillis = millis;
    }

    private long closeLingerMillis() {
        return extras == null ? DEFAULT_CLOSE_LINGER_MILLIS : extras.lingerMillis;
    }

    /** {@return true once {@link #shutdown()} or {@link #close()} ended the write side} */
    public boolean isWriteEnded() {
        return writeEnded;
    }

    /**
     * Closes gracefully: queued writes are flushed, then the write side is shut down (the peer
     * reads end of stream), then the stream waits for the peer's end (see {@link #closeLinger})
     * and closes. Bytes that arrive meanwhile are dropped. {@link #isClosed()} is true at once;
     * {@link StreamHandler#onClose} follows when the handle is closed. A stream that never
     * connected closes at once. Safe to call more than once.
     */
    public void close() {
        if (isClosed()) return;
        core.checkThread();
        if (!connected) {
            closeNow();
            return;
        }
        closing = true;
        if (writeEnded) {
            if (shutdownDone) closeNow();
            return; // the shutdown under way closes it
        }
        writeEnded = true;
        if (readEnded && queuedWrites == 0 && stream() != 0) {
            // The peer has ended and nothing is queued: closing the socket sends what the kernel
            // holds and then the end of stream, as a shutdown would, and there is no linger to
            // wait for, so a shutdown request would cost an object and a round through the loop
            // for nothing (the keep-alive server's close, each time a client leaves). A layered
            // stream (handle 0) keeps its shutdown: TLS says close_notify there.
            closeNow();
            return;
        }
        try {
            transportShutdown();
        } catch (UvException e) {
            closeNow(); // ENOTCONN and the like: nothing to flush to
        }
    }

    /** Closes at once: queued writes are cancelled (their callbacks see {@link ErrorKind#CANCELED}). */
    @Override
    public void closeNow() {
        super.closeNow();
    }

    /** {@return true once {@link #close()} or {@link #closeNow()} was called, or the connection ended} */
    @Override
    public boolean isClosed() {
        return closing || super.isClosed();
    }

    @Override
    protected void beforeClose() {
        Extras x = extras;
        if (x == null) return;
        if (x.timeouts != null) x.timeouts.close();
        if (x.linger != null) x.linger.cancel();
        if (x.input != null) x.input.fail(Errors.socketClosed("stream"));
        if (x.output != null) x.output.closed();
    }

    @Override
    protected void onClosed() {
        if (exposed) handler.onClose(this);
    }

    // ------------------------------------------------------------------ the rest

    /** {@return the object {@link #attach} attached, or null} */
    public Object attachment() {
        return attachment;
    }

    /**
     * Attaches any object to the stream, for the handler's use (a connection's session state, say).
     *
     * @param value what to attach; null detaches
     * @return the previous attachment, or null
     */
    public Object attach(Object value) {
        Object old = attachment;
        attachment = value;
        return old;
    }

    /**
     * The stream's bytes as a blocking {@link InputStream}, for code on another thread (cl-async's
     * async-io-stream). From now on reads go to it instead of {@link StreamHandler#onData}; it
     * holds at most {@code capacity} bytes and pauses the stream while full. Call on the loop
     * thread; read on any other (on the loop thread a read that would block throws
     * {@link IllegalStateException}). A second call returns the same stream. Its reads return -1
     * after the peer's end, and throw {@link java.io.IOException} once the stream broke, or closed
     * before the peer's end (after what was buffered).
     *
     * @param capacity how many bytes it buffers before it pauses the stream; positive
     * @return the input stream
     * @throws IllegalArgumentException if {@code capacity} is not positive (at the first call)
     */
    public InputStream inputStream(int capacity) {
        core.checkThread();
        Extras x = extras();
        if (x.input == null) {
            x.input = new BlockingInput(this, core, capacity);
            // Nothing more will arrive: a reader must not wait for it.
            if (readEnded) x.input.end();
            else if (isClosed()) x.input.fail(Errors.socketClosed("stream"));
        }
        return x.input;
    }

    /**
     * {@link #inputStream(int)} with a capacity of 256 KiB.
     *
     * @return the input stream
     */
    public InputStream inputStream() {
        return inputStream(256 * 1024);
    }

    /**
     * A blocking {@link OutputStream} onto the stream, for code on another thread: each write
     * is copied and handed to the loop, and blocks while more than the high water mark is queued.
     * {@code close()} shuts the write side down. Call on the loop thread; write on any other (on
     * the loop thread a write throws {@link IllegalStateException}). A second call returns the
     * same stream. Its writes throw {@link java.io.IOException} once the stream failed or closed.
     *
     * @return the output stream
     */
    public OutputStream outputStream() {
        core.checkThread();
        Extras x = extras();
        if (x.output == null) x.output = new BlockingOutput(this, core);
        return x.output;
    }

    final LoopCore core() {
        return core;
    }

    // ------------------------------------------------------------------ the transport

    // How bytes reach the peer: libuv's uv_stream_t here, for TCP, pipes and TTYs. A stream layered
    // on another (TLS over TCP) overrides all of them and reports back through transportData,
    // transportEnded, queuedWriteDone and shutdownDone(boolean). The libuv kinds override none, so
    // each call site sees one receiver class and the JIT inlines the default body (class hierarchy
    // analysis, or a monomorphic inline cache once a layered kind is loaded): the plain path keeps
    // its calls and allocations exactly as they were.

    /**
     * The transport: sends what can go at once of {@code n} bytes of {@code data} from {@code offset}.
     *
     * @param data   the bytes
     * @param offset where in {@code data} they start
     * @param n      how many to send
     * @return the count taken, or a negative libuv code
     */
    protected int transportTryWrite(MemorySegment data, long offset, long n) {
        return core.tryWrite(handle, data, offset, n);
    }

    /**
     * The transport: starts a queued write of a copy of {@code data}; its end is told to
     * {@link #queuedWriteDone}.
     *
     * @param data     the bytes, copied before this returns
     * @param sent     a stream whose handle travels with them, or null
     * @param callback the write's callback, or null
     * @throws UvException if the write cannot start
     */
    protected void transportWrite(MemorySegment data, Stream sent, WriteCallback callback) {
        new StreamWrite(core, this, data, sent, callback).start(handle);
    }

    /**
     * The transport: starts reading.
     *
     * @throws UvException if libuv refuses
     */
    protected void transportReadStart() {
        Errors.check(Uv.readStart(handle, Upcalls.ALLOC, Upcalls.READ));
    }

    /** The transport: stops reading. */
    protected void transportReadStop() {
        Uv.readStop(handle);
    }

    /**
     * The transport: ends the write side after what is queued; the end is told to
     * {@link #shutdownDone(boolean)}.
     *
     * @throws UvException if the shutdown cannot start (ENOTCONN, say)
     */
    protected void transportShutdown() {
        new StreamShutdown(core, this).start(handle);
    }

    /** {@return the bytes the transport holds that the peer's side has not taken yet} */
    protected long transportQueueSize() {
        return Uv.writeQueueSize(handle);
    }

    /**
     * For a layered transport: bytes for the program (TLS's plaintext).
     *
     * @param data a view valid during the call
     */
    protected final void transportData(ByteBuffer data) {
        StreamTimeouts timeouts = timeoutsOrNull();
        if (timeouts != null) timeouts.readActivity();
        if (closing) return;
        deliver(data);
    }

    /**
     * For a layered transport: its reading ended.
     *
     * @param e end of stream (the peer's, {@link UvException#isEof()}) or the error
     */
    protected final void transportEnded(UvException e) {
        if (e.isEof()) readEndedByPeer();
        else {
            reading = false;
            fail(e);
        }
    }

    private void readEndedByPeer() {
        reading = false;
        peerEnded();
    }
}
