package io.juv.net;

/**
 * How a UDP socket binds. Immutable; each setter returns a changed copy.
 *
 * @param ipv6Only     an IPv6 socket takes no IPv4 datagrams (no dual stack); an IPv4 address
 *                     with it is an IllegalArgumentException
 * @param reuseAddress SO_REUSEADDR (libuv's UV_UDP_REUSEADDR): several sockets may bind one
 *                     address and port, as multicast receivers do; on Linux the last bound
 *                     socket gets the unicast datagrams
 * @param reusePort    SO_REUSEPORT as for TCP ({@link ListenOptions#reusePort}): the kernel
 *                     spreads datagrams over the sockets bound with it. Linux (and, from libuv
 *                     1.49, the BSDs that balance); elsewhere bind throws UnsupportedOperationException
 * @param receiveBatch how many datagrams one receive system call may take (recvmmsg, libuv's
 *                     UV_UDP_RECVMMSG), 1 to {@value #MAX_RECEIVE_BATCH}; 1 (the default) reads
 *                     one datagram a call into the loop's buffer. Above 1 the socket has a receive
 *                     buffer of its own, 64 KiB a datagram (libuv gives each slot the largest UDP
 *                     payload), so a socket that takes bursts trades memory for system calls; a
 *                     ping-pong gains nothing (one more callback a wake-up). Where the OS has no
 *                     recvmmsg, libuv reads one at a time: {@link Udp#batchesReceives()} tells
 */
public record UdpOptions(boolean ipv6Only, boolean reuseAddress, boolean reusePort, int receiveBatch) {

    /** libuv's own bound: it never asks recvmmsg for more than 20 datagrams. */
    public static final int MAX_RECEIVE_BATCH = 20;

    /** Dual stack, no address or port sharing, one datagram a receive call. */
    public static final UdpOptions DEFAULT = new UdpOptions(false, false, false, 1);

    /**
     * Checks the options.
     *
     * @param ipv6Only     no dual stack
     * @param reuseAddress SO_REUSEADDR
     * @param reusePort    SO_REUSEPORT
     * @param receiveBatch datagrams a receive call may take, 1 to {@value #MAX_RECEIVE_BATCH}
     * @throws IllegalArgumentException for a receiveBatch out of range
     */
    public UdpOptions {
        if (receiveBatch < 1 || receiveBatch > MAX_RECEIVE_BATCH) {
            throw new IllegalArgumentException("receiveBatch must be 1.." + MAX_RECEIVE_BATCH + ": " + receiveBatch);
        }
    }

    /**
     * {@return these options with dual stack off or on}
     *
     * @param on whether an IPv6 socket refuses IPv4 datagrams
     */
    public UdpOptions ipv6Only(boolean on) {
        return new UdpOptions(on, reuseAddress, reusePort, receiveBatch);
    }

    /**
     * {@return these options with SO_REUSEADDR on or off}
     *
     * @param on whether several sockets may bind the address and port (see {@link #reuseAddress()})
     */
    public UdpOptions reuseAddress(boolean on) {
        return new UdpOptions(ipv6Only, on, reusePort, receiveBatch);
    }

    /**
     * {@return these options with SO_REUSEPORT on or off}
     *
     * @param on whether the kernel spreads datagrams over the sockets bound with it
     */
    public UdpOptions reusePort(boolean on) {
        return new UdpOptions(ipv6Only, reuseAddress, on, receiveBatch);
    }

    /**
     * {@return these options with another receive batch}
     *
     * @param datagrams how many datagrams one receive call may take, 1 to {@value #MAX_RECEIVE_BATCH}
     * @throws IllegalArgumentException for a number out of range
     */
    public UdpOptions receiveBatch(int datagrams) {
        return new UdpOptions(ipv6Only, reuseAddress, reusePort, datagrams);
    }
}
