package io.juv.net;

/**
 * How a TCP server listens.
 *
 * @param backlog             the listen queue's length
 * @param reusePort           SO_REUSEPORT: several sockets (in several loops or processes) may
 *                            listen on one port, and the kernel spreads connections over them
 *                            (Linux, BSD; refused with UnsupportedOperationException on Windows)
 * @param ipv6Only            an IPv6 server takes no IPv4 connections (no dual stack)
 * @param simultaneousAccepts libuv's uv_tcp_simultaneous_accepts (has an effect on Windows only)
 */
public record ListenOptions(int backlog, boolean reusePort, boolean ipv6Only, boolean simultaneousAccepts) {

    public static final ListenOptions DEFAULT = new ListenOptions(1024, false, false, true);

    public ListenOptions {
        if (backlog <= 0) throw new IllegalArgumentException("backlog must be positive: " + backlog);
    }

    public ListenOptions backlog(int n) {
        return new ListenOptions(n, reusePort, ipv6Only, simultaneousAccepts);
    }

    public ListenOptions reusePort(boolean on) {
        return new ListenOptions(backlog, on, ipv6Only, simultaneousAccepts);
    }

    public ListenOptions ipv6Only(boolean on) {
        return new ListenOptions(backlog, reusePort, on, simultaneousAccepts);
    }

    public ListenOptions simultaneousAccepts(boolean on) {
        return new ListenOptions(backlog, reusePort, ipv6Only, on);
    }
}
