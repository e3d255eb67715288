package io.juv.internal;


import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** IP literals to sockaddrs and back, through libuv's own parsers and printers. */
public final class Addresses {

    private Addresses() {}

    /** Writes the sockaddr for an IPv4 or IPv6 literal into {@code into}; false if it is not one. */
    public static boolean parse(Arena arena, String ip, int port, MemorySegment into) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        String literal = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        MemorySegment cIp = arena.allocateFrom(literal);
        return Uv.ip4Addr(cIp, port, into) == 0 || Uv.ip6Addr(cIp, port, into) == 0;
    }

    /** The address of an IPv4 or IPv6 literal, or null if host is a name. */
    public static InetSocketAddress literal(String host, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Platform.SOCKADDR_STORAGE);
            return parse(arena, host, port, sa) ? toJava(arena, sa) : null;
        }
    }

    /** Writes the sockaddr of a resolved Java address into {@code into}. */
    public static void toNative(Arena arena, InetSocketAddress address, MemorySegment into) {
        InetAddress ip = address.getAddress();
        if (ip == null) throw new IllegalArgumentException("juv: an unresolved address: " + address);
        if (!parse(arena, ip.getHostAddress(), address.getPort(), into)) {
            throw new IllegalArgumentException("juv: not an IP address: " + address);
        }
    }

    /** A sockaddr (IPv4 or IPv6) as a Java address. */
    public static InetSocketAddress toJava(Arena arena, MemorySegment sockaddr) {
        MemorySegment text = arena.allocate(64);
        Errors.check(Uv.ipName(sockaddr, text, text.byteSize()));
        try {
            // A literal: InetAddress parses it without any name lookup.
            return new InetSocketAddress(InetAddress.getByName(text.getString(0)), Platform.port(sockaddr));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address a TCP handle is bound to (peer = false) or connected to (peer = true). */
    public static InetSocketAddress ofTcp(long tcp, boolean peer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(Platform.SOCKADDR_STORAGE);
            MemorySegment len = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, (int) Platform.SOCKADDR_STORAGE);
            Errors.check(peer ? Uv.tcpPeerName(tcp, addr, len) : Uv.tcpSockName(tcp, addr, len));
            return toJava(arena, addr);
        }
    }
}
