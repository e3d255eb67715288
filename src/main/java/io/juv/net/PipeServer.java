package io.juv.net;

import io.juv.EventLoop;
import io.juv.UvException;
import io.juv.HandleKind;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.StreamServer;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.util.Objects;

/**
 * A listening pipe: a Unix domain socket server (a named pipe server on Windows), made by
 * {@code EventLoop.listenPipe}. Every accepted connection becomes a {@link Pipe} served by the
 * server's handler. Binding creates the socket file; closing the server removes it (libuv unlinks
 * it), while a failed bind leaves whatever was at the path alone.
 *
 * <pre>{@code
 * PipeServer server = loop.listenPipe("/run/user/1000/app.sock", (pipe, data) -> pipe.write(data));
 * server.chmod(true, true); // let other users connect
 * loop.connectPipe("/run/user/1000/app.sock", (pipe, data) -> ...);
 * }</pre>
 *
 * <p>Used from the loop's thread only. Closing the server stops accepting; pipes already accepted
 * stay open.
 */
public final class PipeServer extends StreamServer {

    /** The backlog of {@link #listen(EventLoop, String, StreamHandler)}, as TCP's. */
    public static final int DEFAULT_BACKLOG = 1024;

    private final StreamHandler<? super Pipe> handler;
    private final PipeName name;

    private PipeServer(LoopCore core, PipeName name, int backlog, StreamHandler<? super Pipe> handler) {
        super(core, HandleKind.PIPE, (loop, h) -> Uv.pipeInit(loop, h, false), handler);
        this.handler = handler;
        this.name = name;
        try (Arena arena = Arena.ofConfined()) {
            Errors.check(name.isAbstract() ? Uv.pipeBind2(server(), name.in(arena), Uv.PIPE_NO_TRUNCATE)
                    : Uv.pipeBind(server(), name.in(arena)));
            Errors.check(Uv.listen(server(), backlog, Upcalls.CONNECTION));
        } catch (RuntimeException e) {
            closeNow();
            throw e;
        }
    }

    /**
     * A pipe server at {@code name} (a path, or on Linux an abstract name starting with
     * {@code '\0'}), with a backlog of {@value #DEFAULT_BACKLOG}. The same as
     * {@code loop.listenPipe(name, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param name    the path, or an abstract name
     * @param handler serves every accepted {@link Pipe}
     * @return the server, listening
     * @throws io.juv.UvException {@link io.juv.ErrorKind#ADDRESS_IN_USE} if something is at the
     *         path already (a stale socket file too: remove it first); {@code EACCES} if the
     *         directory does not exist or may not be written
     * @throws IllegalArgumentException for a name that is empty, too long or holds a NUL byte
     * @throws UnsupportedOperationException for an abstract name where they do not exist
     */
    public static PipeServer listen(EventLoop loop, String name, StreamHandler<? super Pipe> handler) {
        return listen(loop, name, DEFAULT_BACKLOG, handler);
    }

    /**
     * A pipe server at {@code name}, with the backlog given; as
     * {@link #listen(EventLoop, String, StreamHandler)} otherwise.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param name    the path, or an abstract name
     * @param backlog the listen queue's length, positive
     * @param handler serves every accepted {@link Pipe}
     * @return the server, listening
     * @throws IllegalArgumentException for a backlog that is not positive, or a bad name
     * @throws io.juv.UvException       as {@link #listen(EventLoop, String, StreamHandler)}
     */
    public static PipeServer listen(EventLoop loop, String name, int backlog, StreamHandler<? super Pipe> handler) {
        Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        if (backlog <= 0) throw new IllegalArgumentException("backlog must be positive: " + backlog);
        try {
            return new PipeServer(core, PipeName.of(name), backlog, handler);
        } catch (UvException e) {
            throw Errors.of(e.code(), "listening on " + name);
        }
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): a new
     * pipe for uv_accept to fill, served by the server's handler.
     *
     * @return the pipe, open and not yet connected
     */
    @Override
    protected Stream newConnection() {
        return new Pipe(core, false, handler, true);
    }

    /** {@return the name the server was asked to listen on} Java state: readable after close too. */
    public String name() {
        return name.name();
    }

    /**
     * Lets everyone (owner, group and others) read and/or write the socket file, so that other
     * users may connect (libuv's uv_pipe_chmod). It only adds permissions, never removes any; a
     * client needs write permission to connect.
     *
     * @param readable whether everyone may read the socket file
     * @param writable whether everyone may write it (and so connect)
     * @throws IllegalArgumentException if neither is asked for
     * @throws io.juv.UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once the server is closed;
     *         libuv's error if the file's mode cannot be changed (an abstract name has no file)
     */
    public void chmod(boolean readable, boolean writable) {
        core.checkThread();
        if (!readable && !writable) throw new IllegalArgumentException("juv: chmod needs readable, writable or both");
        if (isClosed()) throw Errors.socketClosed("pipe server");
        Errors.check(Uv.pipeChmod(server(), (readable ? Uv.READABLE : 0) | (writable ? Uv.WRITABLE : 0)));
    }

    @Override
    public String toString() {
        return "PipeServer[" + name + (isClosed() ? ", closed" : "") + "]";
    }
}
