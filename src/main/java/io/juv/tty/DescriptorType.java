package io.juv.tty;

import io.juv.internal.Uv;

/**
 * What a file descriptor is, as libuv sees it ({@code uv_guess_handle}): which juv type can
 * stream it. A program reads its stdin as a {@link Tty} when it is a terminal, as a pipe when
 * another program feeds it, and with file reads when it was redirected from a file.
 */
public enum DescriptorType {
    /** A terminal: {@link Tty}. */
    TTY,
    /** A pipe or a Unix domain socket: {@code io.juv.net.Pipe.open}. */
    PIPE,
    /** A TCP socket. */
    TCP,
    /** A UDP socket. */
    UDP,
    /** A regular file or a device that is no terminal (/dev/null): file I/O, not a stream. */
    FILE,
    /** Not open, or of no kind libuv knows. */
    UNKNOWN;

    /**
     * {@return what {@code fd} is now} Asks libuv ({@code uv_guess_handle}); touches no loop, so
     * it may be called from any thread.
     *
     * @param fd a file descriptor of this process
     */
    public static DescriptorType of(int fd) {
        int t = Uv.guessHandle(fd);
        if (t == Uv.TTY) return TTY;
        if (t == Uv.NAMED_PIPE) return PIPE;
        if (t == Uv.TCP) return TCP;
        if (t == Uv.UDP) return UDP;
        if (t == Uv.FILE) return FILE;
        return UNKNOWN;
    }
}
