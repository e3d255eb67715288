package io.juv;

/**
 * The kinds of libuv handle juv opens, as counted by {@link LoopStats#handles()}, and the kinds
 * layered on them with no libuv handle of their own ({@link #TLS}).
 */
public enum HandleKind {
    /** A {@link Timer} (all of a loop's timers share one uv_timer_t, but each counts as one). */
    TIMER,
    /** A TCP socket or server ({@link io.juv.net.TcpSocket}, {@link io.juv.net.TcpServer}). */
    TCP,
    /** A pipe or pipe server ({@link io.juv.net.Pipe}, {@link io.juv.net.PipeServer}), a process's stdio among them. */
    PIPE,
    /** A {@link SignalHandler}. */
    SIGNAL,
    /** A {@link Notifier}. */
    ASYNC,
    /** A check hook ({@link LoopHook}, {@link EventLoop#onCheck}). */
    CHECK,
    /** A prepare hook ({@link LoopHook}, {@link EventLoop#onPrepare}). */
    PREPARE,
    /** A UDP socket ({@link io.juv.net.Udp}). */
    UDP,
    /** A child process ({@link io.juv.process.Process}). */
    PROCESS,
    /** A terminal ({@link io.juv.tty.Tty}). */
    TTY,
    /** An idle hook ({@link LoopHook}, {@link EventLoop#onIdle}). */
    IDLE,
    /** A descriptor poller ({@link Poller}). */
    POLL,
    /** A file watcher ({@link io.juv.fs.FileWatcher}). */
    FS_EVENT,
    /** A status poller ({@link io.juv.fs.StatPoller}). */
    FS_POLL,
    /** A TLS session over another stream; it owns that stream, which is counted too. */
    TLS
}
