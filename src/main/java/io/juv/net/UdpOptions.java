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
 */
public record UdpOptions(boolean ipv6Only, boolean reuseAddress, boolean reusePort) {

    public static final UdpOptions DEFAULT = new UdpOptions(false, false, false);

    public UdpOptions ipv6Only(boolean on) {
        return new UdpOptions(on, reuseAddress, reusePort);
    }

    public UdpOptions reuseAddress(boolean on) {
        return new UdpOptions(ipv6Only, on, reusePort);
    }

    public UdpOptions reusePort(boolean on) {
        return new UdpOptions(ipv6Only, reuseAddress, on);
    }
}
