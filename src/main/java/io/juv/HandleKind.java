package io.juv;

/**
 * The kinds of libuv handle juv opens, as counted by {@link LoopStats#handles()}, and the kinds
 * layered on them with no libuv handle of their own ({@link #TLS}).
 */
public enum HandleKind {
    TIMER, TCP, PIPE, SIGNAL, ASYNC, CHECK, PREPARE, UDP,
    /** A child process (io.juv.process.Process). */
    PROCESS,
    /** A terminal (io.juv.tty.Tty). */
    TTY,
    /** An idle hook ({@link LoopHook}), a descriptor poller ({@link Poller}), file watchers (io.juv.fs). */
    IDLE, POLL, FS_EVENT, FS_POLL,
    /** A TLS session over another stream; it owns that stream, which is counted too. */
    TLS
}
