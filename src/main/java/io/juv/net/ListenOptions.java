package io.juv.net;

/**
 * How a TCP server listens. Immutable; each setter returns a changed copy.
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

    /** A backlog of 1024, no SO_REUSEPORT, dual stack, simultaneous accepts on. */
    public static final ListenOptions DEFAULT = new ListenOptions(1024, false, false, true);

    /**
     * Checks the options.
     *
     * @param backlog             the listen queue's length
     * @param reusePort           SO_REUSEPORT
     * @param ipv6Only            no dual stack
     * @param simultaneousAccepts libuv's uv_tcp_simultaneous_accepts
     * @throws IllegalArgumentException for a backlog that is not positive
     */
    public ListenOptions {
        if (backlog <= 0) throw new IllegalArgumentException("backlog must be positive: " + backlog);
    }

    /**
     * {@return these options with another backlog}
     *
     * @param n the listen queue's length, positive
     * @throws IllegalArgumentException for a backlog that is not positive
     */
    public ListenOptions backlog(int n) {
        return new ListenOptions(n, reusePort, ipv6Only, simultaneousAccepts);
    }

    /**
     * {@return these options with SO_REUSEPORT on or off}
     *
     * @param on whether several sockets may listen on the port (see {@link #reusePort()})
     */
    public ListenOptions reusePort(boolean on) {
        return new ListenOptions(backlog, on, ipv6Only, simultaneousAccepts);
    }

    /**
     * {@return these options with dual stack off or on}
     *
     * @param on whether an IPv6 server refuses IPv4 connections
     */
    public ListenOptions ipv6Only(boolean on) {
        return new ListenOptions(backlog, reusePort, on, simultaneousAccepts);
    }

    /**
     * {@return these options with simultaneous accepts on or off}
     *
     * @param on libuv's uv_tcp_simultaneous_accepts (Windows only)
     */
    public ListenOptions simultaneousAccepts(boolean on) {
        return new ListenOptions(backlog, reusePort, ipv6Only, on);
    }
}
