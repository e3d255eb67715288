package io.juv.net;

/**
 * How a UDP socket binds.
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

    public static final UdpOptions DEFAULT = new UdpOptions(false, false, false, 1);

    public UdpOptions {
        if (receiveBatch < 1 || receiveBatch > MAX_RECEIVE_BATCH) {
            throw new IllegalArgumentException("receiveBatch must be 1.." + MAX_RECEIVE_BATCH + ": " + receiveBatch);
        }
    }

    public UdpOptions ipv6Only(boolean on) {
        return new UdpOptions(on, reuseAddress, reusePort, receiveBatch);
    }

    public UdpOptions reuseAddress(boolean on) {
        return new UdpOptions(ipv6Only, on, reusePort, receiveBatch);
    }

    public UdpOptions reusePort(boolean on) {
        return new UdpOptions(ipv6Only, reuseAddress, on, receiveBatch);
    }

    public UdpOptions receiveBatch(int datagrams) {
        return new UdpOptions(ipv6Only, reuseAddress, reusePort, datagrams);
    }
}
