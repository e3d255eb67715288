package io.juv.process;

import io.juv.StreamHandler;
import io.juv.net.Pipe;

import java.util.Objects;

/**
 * What one of a child's file descriptors is: nothing ({@code /dev/null}), the same descriptor of
 * this process, another descriptor of this process, or a {@link Pipe} made for the child.
 * Immutable: one value may serve several spawns ({@link #pipe} then makes a pipe for each).
 */
public final class Stdio {

    enum Kind { IGNORE, INHERIT, FD, PIPE }

    private static final Stdio IGNORE = new Stdio(Kind.IGNORE, -1, null);
    private static final Stdio INHERIT = new Stdio(Kind.INHERIT, -1, null);

    final Kind kind;
    final int fd;
    final StreamHandler<? super Pipe> handler;

    private Stdio(Kind kind, int fd, StreamHandler<? super Pipe> handler) {
        this.kind = kind;
        this.fd = fd;
        this.handler = handler;
    }

    /** {@return a descriptor that is not connected} For 0, 1 and 2 libuv opens {@code /dev/null}. The default. */
    public static Stdio ignore() {
        return IGNORE;
    }

    /** {@return this process's descriptor of the same number, shared with the child (its terminal, say)} */
    public static Stdio inherit() {
        return INHERIT;
    }

    /**
     * {@return a duplicate of this process's descriptor {@code fd} for the child} The descriptor
     * stays this process's.
     *
     * @param fd an open descriptor of this process
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static Stdio fd(int fd) {
        if (fd < 0) throw new IllegalArgumentException("juv: a file descriptor is not negative: " + fd);
        return new Stdio(Kind.FD, fd, null);
    }

    /**
     * A pipe between this process and the child (libuv's UV_CREATE_PIPE, a Unix domain socket pair),
     * read and written with {@code handler} like any {@link io.juv.Stream}; {@link Process#stdio}
     * gives it. It is open both ways: the child's stdin is usually only written here, its stdout
     * only read. Its onConnect runs once the child is started, before spawn returns, and its
     * onClose once the pipe has closed; every event comes on the loop's thread.
     *
     * @param handler hears of the pipe's events
     * @return a pipe to be made for each spawn that uses it
     */
    public static Stdio pipe(StreamHandler<? super Pipe> handler) {
        return new Stdio(Kind.PIPE, -1, Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public String toString() {
        return switch (kind) {
            case IGNORE -> "ignore";
            case INHERIT -> "inherit";
            case FD -> "fd " + fd;
            case PIPE -> "pipe";
        };
    }
}
