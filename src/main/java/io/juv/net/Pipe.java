package io.juv.net;

import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.WriteCallback;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A pipe: a Unix domain socket (a named pipe on Windows), accepted by a {@link PipeServer},
 * opened by {@code EventLoop.connectPipe}, or adopted from a file descriptor. Everything a stream
 * does is {@link Stream}'s; this adds the names of both ends and, on an IPC pipe, passing TCP
 * sockets to another loop or process.
 *
 * <p><b>Names.</b> A name is a file system path ({@code /run/app.sock}; {@code \\.\pipe\app} on
 * Windows), at most {@code 107} bytes on Linux (103 on macOS): libuv would cut a longer one short,
 * so juv refuses it. On Linux a name that starts with {@code '\0'} is an abstract socket name, which
 * has no file and vanishes with its last socket; it needs libuv 1.46 or newer.
 *
 * <p><b>IPC.</b> A pipe opened with {@code ipc = true} ({@link #open}, typically on one end of
 * {@link #socketPair()}) can carry TCP sockets: {@link #sendHandle} on one side, and on the other
 * {@link #acceptHandles} names the handler that serves the sockets that arrive. Each socket travels
 * with one byte, {@link #HANDLE_BYTE}, which the receiving pipe's handler reads as data.
 *
 * <pre>{@code
 * int[] pair = Pipe.socketPair();
 * Pipe parent = Pipe.open(loop, pair[0], true, (p, data) -> { }); // the marker bytes: nothing to read
 * otherLoop.execute(() -> Pipe.open(otherLoop, pair[1], true, (p, data) -> { })
 *         .acceptHandles((socket, data) -> socket.write(data)));  // serves what arrives
 * TcpServer server = loop.listen("0.0.0.0", 8080, new SocketHandler() {
 *     public void onConnect(TcpSocket s) { parent.sendHandle(s, null); } // served by otherLoop now
 *     public void onData(TcpSocket s, ByteBuffer data) { }
 * });
 * }</pre>
 *
 * <p>Used from the loop's thread only, except the static {@link #socketPair()}. Once closed, the
 * names are refused with {@link io.juv.ErrorKind#SOCKET_CLOSED}; {@link #isIncoming()},
 * {@link #isIpc()} and {@link #handlesReceived()} answer from Java state.
 */
public final class Pipe extends Stream {

    /** The byte each sent handle travels with (libuv sends a handle only along with data). */
    public static final byte HANDLE_BYTE = 'H';
    private static final MemorySegment HANDLE_PAYLOAD = Arena.global().allocateFrom(ValueLayout.JAVA_BYTE, HANDLE_BYTE);

    private static final System.Logger LOG = System.getLogger("io.juv");

    static {
        io.juv.internal.ChildPipes.install(new io.juv.internal.ChildPipes.Access() {
            public Pipe create(LoopCore core, StreamHandler<? super Pipe> handler) { return new Pipe(core, false, handler, false); }
            public long handle(Pipe pipe) { return pipe.stream(); }
            public void opened(Pipe pipe) { pipe.established(); }
        });
    }

    private final boolean ipc;
    private final boolean incoming;
    private CompletableFuture<Pipe> connecting;
    private StreamHandler<? super TcpSocket> handleAcceptor;
    private long handlesReceived;

    Pipe(LoopCore core, boolean ipc, StreamHandler<? super Pipe> handler, boolean incoming) {
        super(core, HandleKind.PIPE, (loop, h) -> Uv.pipeInit(loop, h, ipc), handler);
        this.ipc = ipc;
        this.incoming = incoming;
    }

    long nativeHandle() {
        return stream();
    }

    // ------------------------------------------------------------------ connecting

    /**
     * Connects to the pipe server at {@code name}. {@link StreamHandler#onConnect} runs once it is
     * open; the future completes with the pipe then, or exceptionally with a {@link UvException}
     * (after {@link StreamHandler#onError}): {@code ENOENT} when nothing is at the path,
     * {@link io.juv.ErrorKind#CONNECTION_REFUSED} when a socket file is there but nobody listens.
     * The same as {@code loop.connectPipe(name, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param name    the server's path, or an abstract name
     * @param handler hears of the pipe's events
     * @return a future of the connected pipe
     * @throws IllegalArgumentException for a name that is empty, too long or holds a NUL byte
     * @throws UnsupportedOperationException for an abstract name where they do not exist
     */
    public static CompletableFuture<Pipe> connect(EventLoop loop, String name, StreamHandler<? super Pipe> handler) {
        Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        PipeName target = PipeName.of(name);
        Pipe pipe = new Pipe(core, false, handler, false);
        CompletableFuture<Pipe> future = core.newFuture();
        pipe.connecting = future;
        try {
            new PipeConnect(core, pipe).start(target);
        } catch (RuntimeException e) {
            pipe.abandon(); // libuv refused to start: nothing may stay open
            throw e;
        }
        return future;
    }

    /** From the connect request's callback. */
    void connectDone(int status) {
        CompletableFuture<Pipe> future = connecting;
        connecting = null;
        if (status >= 0 && !isClosed()) {
            try {
                established();
            } finally {
                future.complete(this);
            }
            return;
        }
        // Cancelled, or connected just as the loop closed everything: either way the pipe is gone.
        UvException e = status < 0 ? Errors.of(status) : Errors.socketClosed("pipe");
        try {
            connectFailed(e);
        } finally {
            future.completeExceptionally(e);
        }
    }

    /**
     * Adopts the descriptor of a connected pipe or Unix domain socket (inherited, or one of
     * {@link #socketPair()}): from now on libuv owns and closes it. With {@code ipc} the pipe can
     * send and receive handles; both ends must agree on it. onConnect runs before this returns.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param fd      the descriptor, handed over to libuv
     * @param ipc     whether the pipe carries handles
     * @param handler hears of the pipe's events
     * @return the open pipe, reading already
     * @throws IllegalArgumentException if {@code fd} is not an open pipe or Unix domain socket
     * @throws io.juv.UvException       when libuv refuses to adopt it
     */
    public static Pipe open(EventLoop loop, int fd, boolean ipc, StreamHandler<? super Pipe> handler) {
        Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        Descriptors.check(fd, Uv.NAMED_PIPE, "a pipe or Unix domain socket");
        Pipe pipe = new Pipe(core, ipc, handler, false);
        int rc = Uv.pipeOpen(pipe.stream(), fd);
        if (rc < 0) {
            pipe.abandon();
            throw Errors.of(rc);
        }
        pipe.established();
        return pipe;
    }

    /**
     * A pair of connected Unix domain sockets (libuv's uv_socketpair), for {@link #open} on two
     * loops of this process (with {@code ipc = true} to pass sockets between them) or for a child
     * process. Each descriptor belongs to the caller until a pipe adopts it. Touches no loop:
     * any thread may call it.
     *
     * @return the two descriptors
     * @throws io.juv.UvException when the system has no descriptors to give (EMFILE, say)
     */
    public static int[] socketPair() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(Platform.OS_SOCKET, 2);
            Errors.check(Uv.socketpair(Platform.SOCK_STREAM, 0, fds, 0, 0));
            return new int[] {(int) Platform.socketAt(fds, 0), (int) Platform.socketAt(fds, 1)};
        }
    }

    // ------------------------------------------------------------------ names

    /** {@return true for a connection a server accepted, false for one this program opened or adopted} */
    public boolean isIncoming() {
        return incoming;
    }

    /** {@return true if the pipe was opened to carry handles} */
    public boolean isIpc() {
        return ipc;
    }

    /**
     * {@return the name this end is bound to} A server's path on an accepted pipe, "" on a client
     * or an unnamed socket (uv_pipe_getsockname).
     *
     * @throws io.juv.UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public String localName() {
        return name(false);
    }

    /**
     * {@return the name of the other end} The server's path on a client, "" on an accepted pipe
     * or an unnamed socket (uv_pipe_getpeername).
     *
     * @throws io.juv.UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public String peerName() {
        return name(true);
    }

    private String name(boolean peer) {
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("pipe");
        try (Arena arena = Arena.ofConfined()) {
            // Room for any name libuv reports (Windows gives \\?\pipe\ names of up to 256 UTF-16 units).
            long room = 4096;
            MemorySegment into = arena.allocate(room);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_LONG, room); // size_t
            Errors.check(peer ? Uv.pipePeerName(stream(), into, length) : Uv.pipeSockName(stream(), into, length));
            byte[] bytes = into.asSlice(0, length.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ handles over IPC

    /**
     * Sends a TCP socket over this IPC pipe to whatever reads the other end (another loop, another
     * process), which serves it from then on. The socket is handed over: from this call it is
     * closed to this program (it reads nothing more here, writes to it are refused) and juv closes
     * its handle once the write is done. The write is queued like any other, so the water marks
     * and {@link #queuedWrites()} count it; the callback tells when it is done. A pipe that is
     * closed or shut down refuses it ({@link io.juv.ErrorKind#SOCKET_CLOSED}, the socket untouched).
     *
     * @param socket   the socket to hand over, of this pipe's loop
     * @param callback told once the write is done or refused, or null, as for any
     *                 {@link Stream} write
     * @return {@link #writable()}
     * @throws IllegalStateException if the pipe is not an IPC pipe, or the socket has writes queued
     * @throws IllegalArgumentException if the socket belongs to another loop
     */
    public boolean sendHandle(TcpSocket socket, WriteCallback callback) {
        Objects.requireNonNull(socket, "socket");
        core.checkThread();
        if (!ipc) throw new IllegalStateException("juv: handles travel only over a pipe opened with ipc = true");
        return writeWithHandle(HANDLE_PAYLOAD, socket, callback);
    }

    /**
     * {@link #sendHandle(TcpSocket, WriteCallback)}, as a future.
     *
     * @param socket the socket to hand over
     * @return a future that completes once the write is done, or exceptionally with its error
     * @throws IllegalStateException    if the pipe is not an IPC pipe, or the socket has writes queued
     * @throws IllegalArgumentException if the socket belongs to another loop
     */
    public CompletableFuture<Void> sendHandleAsync(TcpSocket socket) {
        CompletableFuture<Void> done = core.newFuture();
        sendHandle(socket, (s, error) -> {
            if (error == null) done.complete(null);
            else done.completeExceptionally(error);
        });
        return done;
    }

    /**
     * Serves every TCP socket that arrives over this IPC pipe with {@code handler}, on this pipe's
     * loop: its onConnect runs as each one arrives, then it is a socket like any other. Set it
     * before the other side sends: handles that arrive while no handler is set, and handles of
     * other kinds, are closed. {@code null} stops accepting.
     *
     * @param handler serves the sockets that arrive, or null
     * @throws IllegalStateException if the pipe is not an IPC pipe
     */
    public void acceptHandles(StreamHandler<? super TcpSocket> handler) {
        core.checkThread();
        if (!ipc) throw new IllegalStateException("juv: handles travel only over a pipe opened with ipc = true");
        handleAcceptor = handler;
    }

    /** {@return the number of handles received over this pipe so far, accepted or not} */
    public long handlesReceived() {
        return handlesReceived;
    }

    /** A handle arrives with the bytes of its write: take it before the bytes are delivered. */
    @Override
    protected void beforeRead() {
        if (!ipc) return;
        while (Uv.pipePendingCount(stream()) > 0) {
            handlesReceived++;
            int type = Uv.pipePendingType(stream());
            StreamHandler<? super TcpSocket> acceptor = isClosed() ? null : handleAcceptor;
            if (type == Uv.TCP && acceptor != null) {
                TcpSocket socket = new TcpSocket(core, acceptor, true);
                // Under the error policy, so that a throwing onConnect does not strand the handles behind it.
                if (accepted(socket)) core.guard(socket::connectedNow);
            } else {
                // Nobody takes it: accepted into a handle that closes at once, so its descriptor is freed.
                Stream discard = type == Uv.TCP ? new TcpSocket(core, (s, d) -> { }, true)
                        : new Pipe(core, false, (s, d) -> { }, true);
                if (accepted(discard)) discard.closeNow();
                LOG.log(System.Logger.Level.DEBUG, "juv: a handle arrived over " + this + " with no acceptor; closed");
            }
        }
    }

    private boolean accepted(Stream into) {
        int rc = Uv.accept(stream(), into instanceof TcpSocket t ? t.nativeHandle() : ((Pipe) into).nativeHandle());
        if (rc >= 0) return true;
        into.closeNow();
        LOG.log(System.Logger.Level.WARNING, "juv: a handle sent over " + this + " could not be accepted", Errors.of(rc));
        return false;
    }

    @Override
    public String toString() {
        return "Pipe[" + (isClosed() ? "closed" : incoming ? "incoming" : "outgoing") + (ipc ? ", ipc" : "") + "]";
    }
}
