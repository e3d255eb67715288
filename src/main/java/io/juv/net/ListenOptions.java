package io.juv.net;

/**
 * How a TCP server listens.
 *
 * @param backlog             the listen queue's length
 * @param reusePort           SO_REUSEPORT: several sockets (in several loops or processes of one
 *                            user) may listen on one port, each with this set, and the kernel
 *                            spreads connections over them. Linux; from libuv 1.49 also FreeBSD,
 *                            DragonFly, Solaris 11.4 and AIX. Elsewhere (macOS, Windows) listen
 *                            throws UnsupportedOperationException.
 * @param ipv6Only            an IPv6 server takes no IPv4 connections (no dual stack); an IPv4
 *                            address with it is an IllegalArgumentException
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
