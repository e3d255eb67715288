package io.juv;

/** What a {@link Poller} waits for and reports (libuv's uv_poll_event). */
public enum PollEvent {
    /** Data to read, or a connection to accept, or the end of the stream. */
    READABLE,
    /** Room to write. */
    WRITABLE,
    /**
     * The peer hung up its side (EPOLLRDHUP on Linux): reported together with READABLE, and not
     * on every platform, so a program must still handle a read of 0 bytes.
     */
    DISCONNECT,
    /** Urgent (out-of-band) data or another priority condition (POLLPRI), such as a sysfs or cgroup file changing. */
    PRIORITIZED
}
