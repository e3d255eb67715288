package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.WriteCallback;
import io.juv.internal.Errors;
import io.juv.internal.InternalTimer;
import io.juv.internal.LoopCore;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A TLS session over another juv stream (a TCP socket, a pipe), on the JDK's {@link SSLEngine}.
 * It is a {@link Stream}: the same writes, backpressure, half-close, timeouts, close protocol and
 * handler events as the stream under it, with plaintext in and out. It owns the stream under it,
 * whose events it handles itself.
 *
 * <p>{@link StreamHandler#onConnect} runs once the handshake is done; a failed handshake is
 * {@link StreamHandler#onError} with a {@link TlsException} ({@link ErrorKind#TLS_HANDSHAKE_FAILED},
 * its {@link TlsException#reason()}) or {@link ErrorKind#TIMED_OUT}. {@link #close()} and
 * {@link #shutdown()} send close_notify; the peer's close_notify is {@link StreamHandler#onEnd};
 * the connection ending without it is {@link ErrorKind#TLS_TRUNCATED}. The engine's delegated
 * tasks, and a client's first flight (its key shares), run on the options' executor, never on the loop.
 *
 * <pre>{@code
 * // A server on a PEM certificate, and a client that trusts it.
 * KeyStore keys = TlsOptions.pemKeyStore(Path.of("cert.pem"), Path.of("key.pem"), password);
 * loop.listenTls("127.0.0.1", 8443, TlsOptions.server(keys, password), (tls, data) -> tls.write(data));
 *
 * TlsOptions trust = TlsOptions.client().withTrustedCertificates(ca); // the CA that signed cert.pem
 * loop.connectTls("localhost", 8443, trust, new StreamHandler<TlsStream>() {
 *     public void onConnect(TlsStream tls) { tls.write("hello over " + tls.protocol()); }
 *     public void onData(TlsStream tls, ByteBuffer data) { tls.close(); } // sends close_notify
 *     public void onError(TlsStream tls, UvException e) {
 *         if (e instanceof TlsException t) System.err.println(t.reason()); // HOSTNAME_MISMATCH, ...
 *     }
 * });
 *
 * // TLS over a pipe: any stream server takes the accepting handler, any connect the transport function.
 * loop.listenPipe("/tmp/app.sock", TlsStream.accepting(loop, TlsOptions.server(keys, password), handler));
 * TlsStream.connect(loop, "localhost", 0, trust, handler, h -> loop.connectPipe("/tmp/app.sock", h));
 * }</pre>
 *
 * <p>Used from the loop's thread only, as its transport is. Once closed, the session's
 * properties ({@link #session()}, {@link #protocol()}, {@link #peerCertificates()}) still answer
 * from the engine's Java state; {@link #remoteAddress()} is refused with
 * {@link ErrorKind#SOCKET_CLOSED}, as writes are.
 */
public final class TlsStream extends Stream {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TlsOptions options;
    private final SSLEngine engine;
    private final CompletableFuture<TlsStream> established;
    private Stream transport;
    private InternalTimer handshakeTimer;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean handshaking = true;
    private boolean started;
    private boolean taskRunning;
    private boolean appReading;
    private boolean inboundClosed;
    private boolean shutdownWanted;
    private boolean shutdownSent;
    private boolean pumping;
    /**
     * A client's until its transport opens: exit() closes it (it has no libuv handle of its own
     * for exit to find, and a transport that never opens would leave it waiting for its timeout).
     */
    private final Runnable closeOnExit = this::closeNow;
    /** Why the handshake failed, for the client's future. */
    private UvException failure;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private record Pending(ByteBuffer bytes, long size, WriteCallback callback) {}

    private TlsStream(LoopCore core, TlsOptions options, SSLEngine engine, StreamHandler<? super TlsStream> handler) {
        super(core, HandleKind.TLS, handler);
        this.options = options;
        this.engine = engine;
        this.established = engine.getUseClientMode() ? core.newFuture() : null;
        SSLSession s = engine.getSession();
        netIn = ByteBuffer.allocate(s.getPacketBufferSize());
        netOut = ByteBuffer.allocate(s.getPacketBufferSize());
        appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
    }

    // ------------------------------------------------------------------ factories

    /**
     * Connects by TCP and shakes hands as a client; the future completes with the stream once the
     * handshake is done, or exceptionally (after {@link StreamHandler#onError}).
     * The same as {@code loop.connectTls(host, port, options, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param host    the server's name or address: connected to, and checked against its certificate
     * @param port    the server's port
     * @param options the keys, trust and protocols
     * @param handler hears of the TLS stream's events, plaintext in and out
     * @return a future of the stream once the handshake is done; exceptionally a
     *         {@link TlsException}, TIMED_OUT, or the TCP connect's error
     * @throws IllegalArgumentException when the options' key or trust store cannot make a context
     */
    public static CompletableFuture<TlsStream> connect(EventLoop loop, String host, int port, TlsOptions options,
                                                       StreamHandler<? super TlsStream> handler) {
        Objects.requireNonNull(host, "host");
        return connect(loop, host, port, options, handler,
                h -> TcpSocket.connect(loop, host, port, ConnectOptions.DEFAULT, h));
    }

    /**
     * A client over any stream: {@code transport} opens it with the handler it is given (say
     * {@code h -> loop.connectPipe(name, h)}) and returns it, or a future of it; {@code host} and
     * {@code port} name the server for verification and SNI (the port only as a session-cache
     * hint; 0 if none). The handshake timeout ({@link TlsOptions#withHandshakeTimeout}) counts
     * from this call: a transport that never opens fails the connect with
     * {@link io.juv.ErrorKind#TIMED_OUT} then (and the loop is kept alive until it does); one that
     * yields a closed stream fails it at once with {@link io.juv.ErrorKind#SOCKET_CLOSED}.
     *
     * @param loop      the loop it belongs to; call on its thread
     * @param host      the server's name for verification and SNI, or null for none
     * @param port      the server's port, as a session-cache hint; 0 if none
     * @param options   the keys, trust and protocols
     * @param handler   hears of the TLS stream's events, plaintext in and out
     * @param transport opens the stream under it with the handler it is given; returns it, or a
     *                  {@link CompletionStage} of it
     * @return a future of the stream once the handshake is done
     * @throws IllegalArgumentException when the options' key or trust store cannot make a context
     */
    public static CompletableFuture<TlsStream> connect(EventLoop loop, String host, int port, TlsOptions options,
                                                       StreamHandler<? super TlsStream> handler,
                                                       Function<StreamHandler<Stream>, ?> transport) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(transport, "transport");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        TlsStream tls = new TlsStream(core, options, options.newEngine(true, host, port), handler);
        try {
            // Until the transport opens nothing of juv's may hold the loop, nor end the wait: this timer does both.
            tls.startHandshakeTimer(true);
            core.stopOnExit(tls.closeOnExit);
            Object opened = transport.apply(new Transport(core, tls, null, null));
            if (opened instanceof CompletionStage<?> stage) {
                // A connect that fails before it has a stream (a lookup that a closing loop outran) may
                // tell no handler: its future is then the one word of it. It may complete on any thread.
                stage.whenComplete((s, e) -> tls.onLoopThread(() -> {
                    if (e != null) tls.connectFailed(e);
                    else tls.transportReturned(s);
                }));
            } else {
                tls.transportReturned(opened);
            }
        } catch (RuntimeException e) {
            tls.closeNow();
            throw e;
        }
        return tls.established;
    }

    /** What the transport function returned (or its future gave): a stream already closed will never start this one. */
    private void transportReturned(Object t) {
        if (!started && t instanceof Stream s && s.isClosed()) connectFailed(Errors.socketClosed("the TLS stream's transport"));
    }

    private void onLoopThread(Runnable r) {
        if (core.inLoopThread()) {
            r.run();
            return;
        }
        try {
            core.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the loop is closed, and this stream with it
        }
    }

    /**
     * Listens by TCP; each accepted connection shakes hands as a server before onConnect. The
     * same as {@code loop.listenTls(host, port, options, handler)}, with {@link ListenOptions#DEFAULT}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param host    the address to listen on, as {@link TcpServer#listen}
     * @param port    the port (0: one the system chooses)
     * @param options the server's key and the protocols
     * @param handler hears of each TLS stream's events once its handshake is done
     * @return the TCP server; closing it stops accepting
     * @throws IllegalArgumentException when the options' key store cannot make a context, or as
     *                                  {@link TcpServer#listen}
     */
    public static TcpServer listen(EventLoop loop, String host, int port, TlsOptions options,
                                   StreamHandler<? super TlsStream> handler) {
        return TcpServer.listen(loop, host, port, ListenOptions.DEFAULT, accepting(loop, options, handler));
    }

    /**
     * The handler to give any stream server ({@code loop.listenPipe(name, TlsStream.accepting(...))}):
     * it makes each accepted stream a TLS server session for {@code handler}.
     *
     * @param loop    the loop of the server it is given to
     * @param options the server's key and the protocols
     * @param handler hears of each TLS stream's events once its handshake is done
     * @return a handler for the server's accepted streams
     * @throws IllegalArgumentException when the options' key store cannot make a context
     */
    public static StreamHandler<Stream> accepting(EventLoop loop, TlsOptions options, StreamHandler<? super TlsStream> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        options.context(); // a bad key store fails here, not at the first connection
        return new Transport(LoopCore.of(loop), null, options, handler);
    }

    /** The handler of the stream under a TLS stream: the TLS stream is its attachment. */
    private static final class Transport implements StreamHandler<Stream>, Stream.LayerHandler {
        private final LoopCore core;
        private final TlsStream client;
        private final TlsOptions serverOptions;
        private final StreamHandler<? super TlsStream> serverHandler;

        Transport(LoopCore core, TlsStream client, TlsOptions serverOptions, StreamHandler<? super TlsStream> serverHandler) {
            this.core = core;
            this.client = client;
            this.serverOptions = serverOptions;
            this.serverHandler = serverHandler;
        }

        /** The TLS stream goes with its transport (it holds it): counted as closed when the transport is. */
        @Override
        public Runnable whenTransportLost(Stream t) {
            TlsStream tls = of(t);
            return tls == null || !tls.isAlive() ? null : tls.uncountWhenLost();
        }

        private TlsStream of(Stream t) {
            Object a = t.attachment();
            return a instanceof TlsStream tls ? tls : client;
        }

        @Override
        public void onConnect(Stream t) {
            TlsStream tls = client;
            if (tls == null) {
                tls = new TlsStream(core, serverOptions, serverOptions.newEngine(false, null, 0), serverHandler);
            }
            t.attach(tls);
            tls.start(t);
        }

        @Override
        public void onData(Stream t, ByteBuffer data) {
            TlsStream tls = of(t);
            if (tls != null) tls.cipherIn(data);
        }

        @Override
        public void onEnd(Stream t) {
            TlsStream tls = of(t);
            if (tls != null) tls.transportEof();
        }

        @Override
        public void onError(Stream t, UvException e) {
            TlsStream tls = of(t);
            if (tls != null) tls.transportError(t, e);
        }

        @Override
        public void onDrain(Stream t) {
            TlsStream tls = of(t);
            if (tls != null) tls.flushPending();
        }

        @Override
        public void onClose(Stream t) {
            TlsStream tls = of(t);
            if (tls != null) tls.transportClosed(t);
        }
    }

    // ------------------------------------------------------------------ the session

    private void start(Stream t) {
        if (isClosed()) {
            t.closeNow();
            return;
        }
        transport = t;
        started = true;
        t.allowHalfOpen(true); // the TLS layer decides what the transport's end means
        core.exitStopNotNeeded(closeOnExit); // the transport's handle is exit's to close now, and this stream with it
        if (handshakeTimer != null) handshakeTimer.keepsLoopAlive(false); // the transport holds the loop now
        else startHandshakeTimer(false);
        if (engine.getUseClientMode()) {
            // A client's beginHandshake writes its ClientHello there and then, key shares and all (a
            // key pair per offered group): as costly as a delegated task, so it runs where they do.
            runOffLoop(engine::beginHandshake);
            return;
        }
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            handshakeFailed(TlsException.handshake(e));
            return;
        }
        pump();
    }

    /** The handshake's deadline: from the connect for a client, from the accept for a server. */
    private void startHandshakeTimer(boolean keepsLoopAlive) {
        long timeout = options.handshakeTimeoutMillis();
        if (timeout <= 0) return;
        handshakeTimer = new InternalTimer(core, () -> {
            if (!handshaking) return;
            handshakeFailed(Errors.timedOut(started ? "TLS handshake timed out after " + timeout + " ms"
                    : "TLS connect timed out after " + timeout + " ms: its transport did not open"));
        });
        if (keepsLoopAlive) handshakeTimer.keepsLoopAlive(true);
        handshakeTimer.start(timeout);
    }

    /** Drives the engine as far as it goes without more bytes from the peer or a delegated task. */
    private void pump() {
        if (pumping) return; // re-entered from a handler call inside: the outer loop goes on
        pumping = true;
        try {
            while (started && !taskRunning && !isClosed()) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    runTasks();
                    return;
                }
                if (hs == HandshakeStatus.NEED_WRAP) {
                    SSLEngineResult r = wrap(EMPTY);
                    sendNetOut(null);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) break;
                    continue;
                }
                if (handshaking && hs == HandshakeStatus.NOT_HANDSHAKING) {
                    handshakeDone();
                    continue;
                }
                if (inboundClosed || (!handshaking && !appReading) || !unwrap()) break;
            }
        } catch (SSLException e) {
            sslFailed(e);
        } finally {
            pumping = false;
        }
    }

    private void runTasks() {
        runOffLoop(null);
    }

    /** What runs on the executor before the engine's delegated tasks. */
    private interface EngineStep {
        void run() throws SSLException;
    }

    /** Runs {@code first} (if any) and the engine's delegated tasks on the executor, then resumes on the loop. */
    private void runOffLoop(EngineStep first) {
        taskRunning = true;
        options.executor().execute(() -> {
            SSLException failed = null;
            try {
                if (first != null) first.run();
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) task.run();
            } catch (SSLException e) {
                failed = e;
            } finally {
                SSLException f = failed;
                try {
                    core.execute(() -> tasksDone(f));
                } catch (RejectedExecutionException loopClosed) {
                    // nothing left to resume
                }
            }
        });
    }

    private void tasksDone(SSLException failed) {
        taskRunning = false;
        if (failed != null) {
            handshakeFailed(TlsException.handshake(failed));
            return;
        }
        pump();
        if (!handshaking) flushPending();
    }

    /** One unwrap; false when it needs more bytes from the peer or the session's inbound closed. */
    private boolean unwrap() throws SSLException {
        if (netIn.position() == 0) return false;
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                int need = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < need) netIn = grow(netIn, need);
                return false;
            }
            case BUFFER_OVERFLOW -> {
                appIn = grow(appIn, appIn.position() + engine.getSession().getApplicationBufferSize());
                return true;
            }
            case CLOSED -> {
                deliverPlaintext();
                inboundClosed = true;
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) { // TLS 1.2 answers close_notify
                    wrap(EMPTY);
                    sendNetOut(null);
                    shutdownSent = true;
                }
                if (handshaking) handshakeFailed(TlsException.closedDuringHandshake());
                else transportEnded(endOfStream());
                return false;
            }
            default -> {
                deliverPlaintext();
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }
    }

    private void deliverPlaintext() {
        if (appIn.position() == 0) return;
        if (handshaking) handshakeDone();
        appIn.flip();
        ByteBuffer view = appIn.asReadOnlyBuffer();
        try {
            transportData(view);
        } finally {
            appIn.clear();
        }
    }

    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) return r;
            if (netOut.position() > 0) sendNetOut(null);
            else netOut = grow(netOut, engine.getSession().getPacketBufferSize());
        }
    }

    /** Hands the ciphertext to the transport, which copies what the kernel does not take at once. */
    private void sendNetOut(WriteCallback done) {
        if (netOut.position() == 0 && done == null) return;
        netOut.flip();
        try {
            transport.write(netOut, done);
        } finally {
            netOut.clear();
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int capacity) {
        ByteBuffer n = ByteBuffer.allocate(Math.max(capacity, b.capacity()));
        b.flip();
        return n.put(b);
    }

    private void handshakeDone() {
        handshaking = false;
        if (handshakeTimer != null) {
            handshakeTimer.close();
            handshakeTimer = null;
        }
        // onConnect (which starts reading unless paused); what it throws goes to the error policy
        // here, so that the future still completes and the rest of this read is still decrypted.
        core.guard(this::established);
        if (!appReading && transport != null) transport.pause(); // paused before: the peer is slowed down from now on
        if (established != null) established.complete(this);
        flushPending();
    }

    private void handshakeFailed(UvException e) {
        if (!handshaking || isClosed()) return;
        handshaking = false;
        failure = e;
        connectFailed(e); // onError, then closeNow, which fails the future with e
    }

    private void sslFailed(SSLException e) {
        // An alert the engine has for the peer (bad certificate, say) goes out before the close.
        try {
            engine.closeOutbound();
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrap(EMPTY);
                if (r.bytesProduced() == 0) break;
            }
            sendNetOut(null);
        } catch (SSLException | RuntimeException ignored) {
            // the alert is a courtesy
        }
        if (handshaking) handshakeFailed(TlsException.handshake(e));
        else if (!isClosed()) transportEnded(TlsException.failed(e));
    }

    // ------------------------------------------------------------------ the transport's events

    private void cipherIn(ByteBuffer data) {
        if (isClosed()) return; // closed by the program: what still arrives is dropped, as for TCP
        if (netIn.remaining() < data.remaining()) netIn = grow(netIn, netIn.position() + data.remaining());
        netIn.put(data);
        pump();
        if (!handshaking && !pending.isEmpty()) flushPending(); // writes that waited for a post-handshake message
    }

    private void transportEof() {
        if (inboundClosed || !isAlive()) return;
        inboundClosed = true;
        if (handshaking) {
            handshakeFailed(TlsException.closedDuringHandshake());
            return;
        }
        try {
            engine.closeInbound(); // throws: no close_notify came
        } catch (SSLException expected) {
            // reported as truncation below
        }
        transportEnded(TlsException.truncated());
    }

    private void transportError(Stream t, UvException e) {
        if (t != transport && started) return;
        if (handshaking) handshakeFailed(e);
        else if (!isClosed()) transportEnded(e);
    }

    private void connectFailed(Throwable e) {
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) e = e.getCause();
        if (!started && !isClosed()) transportError(null, e instanceof UvException u ? u : Errors.socketClosed("TLS stream's connection"));
    }

    private void transportClosed(Stream t) {
        if (!started) {
            // A client's connect that failed (its onError came first and closed this stream), or that a
            // closing loop cancelled: that sends no onError, and this stream would wait for ever.
            if (!isClosed()) transportError(t, Errors.socketClosed("TLS stream's connection"));
            return;
        }
        if (t != transport) return;
        closeNow();
        cancelPending();
        layerClosed();
    }

    // ------------------------------------------------------------------ Stream's transport

    /**
     * Writes wait (in {@link #pending}) during the handshake and while a delegated task runs. A
     * post-handshake message the engine wants to send (a TLS 1.3 KeyUpdate) goes out ahead of the
     * data in the same wrap, so it does not hold writes back: waiting for it would stall a writer
     * whose peer is paused.
     */
    private boolean engineBusy() {
        return handshaking || taskRunning || engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): encrypts
     * what a try-write may send at once, when nothing waits before it.
     *
     * @param data   the plaintext
     * @param offset where in {@code data} it starts
     * @param n      how many bytes
     * @return the bytes taken: all of them, or 0 when they must be queued
     */
    @Override
    protected int transportTryWrite(MemorySegment data, long offset, long n) {
        if (engineBusy() || shutdownWanted || !pending.isEmpty() || transport.queuedWrites() > 0) return 0;
        try {
            encrypt(data.asSlice(offset, n).asByteBuffer(), null);
        } catch (SSLException e) {
            sslFailed(e);
            return 0; // the queued write that follows is refused
        }
        return (int) n;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): encrypts
     * a queued write, or keeps a copy while the handshake or a delegated task runs.
     *
     * @param data     the plaintext
     * @param sent     a handle to send with it: always null (TLS sends none)
     * @param callback told once the ciphertext has gone to the transport's kernel, or null
     */
    @Override
    protected void transportWrite(MemorySegment data, Stream sent, WriteCallback callback) {
        if (sent != null) throw new UnsupportedOperationException("juv: a TLS stream cannot send handles");
        if (transport == null || transport.isClosed()) throw Errors.socketClosed("TLS stream");
        long size = data.byteSize();
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("juv: a TLS write is at most 2 GiB");
        if (!engineBusy() && pending.isEmpty() && transport.writable()) {
            try {
                encrypt(data.asByteBuffer(), done(size, callback));
            } catch (SSLException e) {
                sslFailed(e);
                throw Errors.socketClosed("TLS stream");
            }
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate((int) size).put(data.asByteBuffer()).flip();
        pending.add(new Pending(copy, size, callback));
    }

    private WriteCallback done(long size, WriteCallback callback) {
        return (t, error) -> queuedWriteDone(size, callback, error);
    }

    private void encrypt(ByteBuffer src, WriteCallback last) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        while (src.hasRemaining()) {
            SSLEngineResult r = wrap(src);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new SSLException("the TLS session is closed for writing");
            // Checked before every write starts (engineBusy), so no progress here would spin the loop for ever.
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) throw new SSLException("the TLS engine took no bytes: " + r);
            if (netOut.remaining() < packet) sendNetOut(null);
        }
        sendNetOut(last);
    }

    private void flushPending() {
        if (transport == null || handshaking) return;
        try {
            while (!pending.isEmpty() && transport.writable() && !engineBusy()) {
                Pending p = pending.poll();
                encrypt(p.bytes, done(p.size, p.callback));
            }
        } catch (SSLException e) {
            sslFailed(e);
            return;
        }
        if (shutdownWanted && pending.isEmpty() && !shutdownSent) sendShutdown();
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): reading starts: the transport reads.
     */
    @Override
    protected void transportReadStart() {
        appReading = true;
        if (transport != null) transport.resume();
        if (netIn.position() > 0) core.execute(this::pump); // what arrived while paused
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): reading pauses: the transport pauses.
     */
    @Override
    protected void transportReadStop() {
        appReading = false;
        if (transport != null) transport.pause();
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): sends
     * close_notify once the queued writes are out, then shuts the transport down.
     */
    @Override
    protected void transportShutdown() {
        shutdownWanted = true;
        if (!handshaking && pending.isEmpty()) sendShutdown();
    }

    private void sendShutdown() {
        if (shutdownSent) {
            afterCloseNotify();
            return;
        }
        shutdownSent = true;
        engine.closeOutbound();
        try {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrap(EMPTY);
                if (r.bytesProduced() == 0) break;
            }
        } catch (SSLException e) {
            shutdownDone(false);
            return;
        }
        sendNetOut((t, error) -> {
            if (error == null) afterCloseNotify();
            else shutdownDone(false);
        });
    }

    private void afterCloseNotify() {
        if (transport != null && !transport.isClosed()) transport.shutdown();
        shutdownDone(true);
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * plaintext waiting here plus the ciphertext the transport holds.
     *
     * @return the bytes queued
     */
    @Override
    protected long transportQueueSize() {
        long p = 0;
        for (Pending w : pending) p += w.size;
        return p + (transport == null ? 0 : transport.writeQueueSize());
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * close: the transport closes, gracefully when nothing of this session waits in it, else at once.
     */
    @Override
    protected void closeNative() {
        core.exitStopNotNeeded(closeOnExit);
        if (handshakeTimer != null) {
            handshakeTimer.close();
            handshakeTimer = null;
        }
        if (established != null && !established.isDone())
            established.completeExceptionally(failure != null ? failure : Errors.socketClosed("TLS stream"));
        if (transport == null) {
            cancelPending();
            layerClosed();
        } else if (shutdownSent || transport.queuedWrites() == 0) {
            // Graceful: an alert or close_notify already handed to it still goes out. The writes
            // not yet handed to it are cancelled once it has closed (transportClosed), after those
            // it holds have been told: callbacks keep the order of the writes.
            transport.close();
        } else {
            // Closed at once (closeNow, an error) with records of ours still queued: a graceful
            // close of the transport would wait for them, for ever if the peer does not read.
            transport.closeNow();
        }
    }

    private void cancelPending() {
        if (pending.isEmpty()) return;
        UvException cancelled = new UvException(0, "ECANCELED", "the TLS stream closed before the write", ErrorKind.CANCELED);
        for (Pending p; (p = pending.poll()) != null; ) queuedWriteDone(p.size, p.callback, cancelled);
    }

    // ------------------------------------------------------------------ what TLS adds

    /**
     * Aborts the session without close_notify: closes at once as {@link #closeNow()} does (queued
     * writes are cancelled) and resets a TCP transport ({@link TcpSocket#reset()}, an RST instead
     * of a FIN), so the peer sees ECONNRESET rather than an end it could take for a clean one. Over
     * any other transport (a pipe) it is {@link #closeNow()}: the peer's TLS layer reports the
     * missing close_notify as {@link ErrorKind#TLS_TRUNCATED}. During a graceful {@link #close()}
     * it cuts the wait for the flush short; once the transport itself is closing, nothing changes.
     */
    public void reset() {
        if (transport instanceof TcpSocket tcp) tcp.reset();
        closeNow();
    }

    private static UvException endOfStream() {
        return new UvException(0, "EOF", "end of stream (TLS close_notify)", ErrorKind.END_OF_STREAM);
    }

    /** {@return true for the side that connected} */
    public boolean isClient() {
        return engine.getUseClientMode();
    }

    /** {@return the session (protocol, cipher suite, peer's certificates)} Answered from Java state, also after close. */
    public SSLSession session() {
        return engine.getSession();
    }

    /** {@return the negotiated protocol version ("TLSv1.3"), or "NONE" before the handshake} */
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    /** {@return the negotiated cipher suite, or "SSL_NULL_WITH_NULL_NULL" before the handshake} */
    public String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** {@return the protocol agreed by ALPN; empty when none was (null before the handshake)} */
    public String applicationProtocol() {
        return engine.getApplicationProtocol();
    }

    /** {@return the peer's certificate chain, leaf first; empty when the peer sent none (a client without mutual TLS)} */
    public List<Certificate> peerCertificates() {
        try {
            return List.of(engine.getSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException none) {
            return List.of();
        }
    }

    /**
     * {@return the stream under this one (a {@link TcpSocket}, a {@link Pipe}), or null before it connected}
     * Its handler is TLS's: write to this stream, not to it.
     */
    public Stream transport() {
        return transport;
    }

    /**
     * {@return the peer's address when the transport is TCP}
     *
     * @throws UvException {@link ErrorKind#SOCKET_CLOSED} before the handshake is done, once
     *         closed, or over a transport that is no TCP socket
     */
    public InetSocketAddress remoteAddress() {
        core.checkThread();
        if (!isConnected() || !(transport instanceof TcpSocket t)) throw Errors.socketClosed("TLS stream");
        return t.remoteAddress();
    }

    /** {@return whether the transport keeps the loop alive} False before the transport connected. */
    @Override
    public boolean hasRef() {
        core.checkThread();
        return transport != null && transport.hasRef();
    }

    /** Lets the transport keep the loop alive again (libuv's ref); nothing before it connected. */
    @Override
    public void ref() {
        if (transport != null) transport.ref();
    }

    /** Lets the loop end while the transport is open (libuv's unref); nothing before it connected. */
    @Override
    public void unref() {
        if (transport != null) transport.unref();
    }

    @Override
    public String toString() {
        return "TlsStream[" + (isClosed() ? "closed" : (isClient() ? "client" : "server") + (handshaking ? ", handshaking" : ", " + protocol())) + "]";
    }
}
