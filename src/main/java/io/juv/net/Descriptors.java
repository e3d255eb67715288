package io.juv.net;

import io.juv.internal.Uv;

/**
 * Checks a file descriptor before libuv adopts it as a stream. libuv polls what it adopts, and
 * on Linux epoll refuses regular files and directories: libuv then aborts the process from inside
 * the loop, which would take the JVM with it. So a descriptor is adopted only when libuv itself
 * says it is of the kind asked for (a program can hand over stdin, which may well be a file).
 */
final class Descriptors {

    private Descriptors() {}

    /** @throws IllegalArgumentException if {@code fd} is not open, or not of the libuv handle type {@code expected} */
    static void check(int fd, int expected, String what) {
        int found = Uv.guessHandle(fd);
        if (found != expected) {
            throw new IllegalArgumentException("juv: file descriptor " + fd + " is not " + what + " (libuv sees "
                    + describe(found) + ")");
        }
    }

    private static String describe(int type) {
        if (type == Uv.TCP) return "a TCP socket";
        if (type == Uv.NAMED_PIPE) return "a pipe or Unix domain socket";
        if (type == Uv.UDP) return "a UDP socket";
        if (type == Uv.TTY) return "a terminal";
        if (type == Uv.FILE) return "a file or device";
        return "no open descriptor, or one of no kind it streams";
    }
}
