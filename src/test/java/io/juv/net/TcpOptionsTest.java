package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.UvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.juv.net.SocketOptions.IPPROTO_IPV6;
import static io.juv.net.SocketOptions.IPPROTO_TCP;
import static io.juv.net.SocketOptions.IPV6_V6ONLY;
import static io.juv.net.SocketOptions.SOL_SOCKET;
import static io.juv.net.SocketOptions.SO_KEEPALIVE;
import static io.juv.net.SocketOptions.SO_RCVBUF;
import static io.juv.net.SocketOptions.SO_REUSEPORT;
import static io.juv.net.SocketOptions.SO_SNDBUF;
import static io.juv.net.SocketOptions.TCP_KEEPIDLE;
import static io.juv.net.SocketOptions.TCP_NODELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TCP's options, each set through juv and read back: through libuv where it has a getter (the
 * buffer sizes), else with getsockopt on the socket's descriptor ({@link SocketOptions}, Linux).
 * SO_REUSEPORT goes through libuv's UV_TCP_REUSEPORT from 1.49 and through juv's own setsockopt
 * before bind on 1.44: the suite runs against both, so both sides of that gate are tested here.
 */
@Timeout(30)
class TcpOptionsTest {

    /**
     * Runs check on both ends of one loopback connection, the accepted socket and the client's,
     * each while it is open; then everything closes. A failed assertion in check stops the loop
     * and fails the test.
     */
    private static void onBothEnds(Consumer<TcpSocket> check) {
        int[] checked = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            Runnable oneDone = () -> {
                if (++checked[0] == 2) {
                    server[0].close();
                    wd[0].cancel();
                }
            };
            server[0] = loop.listen("127.0.0.1", 0, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    check.accept(s);
                    oneDone.run(); // the client's close then ends this one (onEnd closes it)
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) { }
            });
            loop.connect("127.0.0.1", server[0].port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    check.accept(s);
                    s.close();
                    oneDone.run();
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) { }
            });
        });
        wd[0].assertNotFired();
        assertEquals(2, checked[0], "both ends checked");
    }

    // ------------------------------------------------------------------ a connection's options

    @Test
    void noDelayIsSetAndClearedOnBothEnds() {
        assumeTrue(SocketOptions.readable(), "getsockopt numbers are Linux's");
        onBothEnds(s -> {
            s.noDelay(true);
            assertNotEquals(0, SocketOptions.get(s, IPPROTO_TCP, TCP_NODELAY), "TCP_NODELAY after noDelay(true)");
            s.noDelay(false);
            assertEquals(0, SocketOptions.get(s, IPPROTO_TCP, TCP_NODELAY), "TCP_NODELAY after noDelay(false)");
        });
    }

    @Test
    void keepAliveIsSetWithItsDelayAndCleared() {
        assumeTrue(SocketOptions.readable(), "getsockopt numbers are Linux's");
        onBothEnds(s -> {
            assertEquals(0, SocketOptions.get(s, SOL_SOCKET, SO_KEEPALIVE), "keep-alive is off by default");
            s.keepAlive(true, Duration.ofSeconds(7));
            assertNotEquals(0, SocketOptions.get(s, SOL_SOCKET, SO_KEEPALIVE));
            assertEquals(7, SocketOptions.get(s, IPPROTO_TCP, TCP_KEEPIDLE));
            s.keepAlive(true, Duration.ofMillis(1500));
            assertEquals(2, SocketOptions.get(s, IPPROTO_TCP, TCP_KEEPIDLE), "a part second rounds up");
            s.keepAlive(true, Duration.ofMillis(1));
            assertEquals(1, SocketOptions.get(s, IPPROTO_TCP, TCP_KEEPIDLE));
            s.keepAlive(false, null);
            assertEquals(0, SocketOptions.get(s, SOL_SOCKET, SO_KEEPALIVE));
        });
    }

    @Test
    void badKeepAliveDelaysAreRefusedAndChangeNothing() {
        onBothEnds(s -> {
            assertThrows(IllegalArgumentException.class, () -> s.keepAlive(true, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> s.keepAlive(true, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> s.keepAlive(true, Duration.ofSeconds(Integer.MAX_VALUE + 1L)));
            assertThrows(NullPointerException.class, () -> s.keepAlive(true, null));
            if (SocketOptions.readable()) assertEquals(0, SocketOptions.get(s, SOL_SOCKET, SO_KEEPALIVE));
        });
    }

    @Test
    void bufferSizesAreSetAndReadBackDoubledOnLinux() {
        int asked = 64 * 1024;
        onBothEnds(s -> {
            s.sendBufferSize(asked);
            s.receiveBufferSize(asked);
            int send = s.sendBufferSize();
            int receive = s.receiveBufferSize();
            if (SocketOptions.readable()) {
                // Linux keeps twice what was asked (the extra is its bookkeeping) and reports that;
                // 64 KiB is below net.core.wmem_max/rmem_max's defaults, which would cap it.
                assertEquals(2 * asked, send);
                assertEquals(2 * asked, receive);
                assertEquals(send, SocketOptions.get(s, SOL_SOCKET, SO_SNDBUF), "libuv's getter and getsockopt agree");
                assertEquals(receive, SocketOptions.get(s, SOL_SOCKET, SO_RCVBUF));
            } else {
                assertTrue(send >= asked, "send buffer " + send);
                assertTrue(receive >= asked, "receive buffer " + receive);
            }
            // 0 would read the size instead of setting it (libuv's convention): refused, as negatives are.
            assertThrows(IllegalArgumentException.class, () -> s.sendBufferSize(0));
            assertThrows(IllegalArgumentException.class, () -> s.receiveBufferSize(-1));
            assertEquals(send, s.sendBufferSize(), "a refused size changed nothing");
        });
    }

    /** Every option on a closed socket: the typed SOCKET_CLOSED error, never a touch of freed memory. */
    private static void assertOptionsRefused(TcpSocket s) {
        List<Executable> calls = List.of(
                () -> s.noDelay(true),
                () -> s.keepAlive(true, Duration.ofSeconds(1)),
                () -> s.keepAlive(false, null),
                () -> s.sendBufferSize(),
                () -> s.sendBufferSize(4096),
                () -> s.receiveBufferSize(),
                () -> s.receiveBufferSize(4096),
                () -> s.remoteAddress(),
                () -> s.localAddress());
        for (Executable call : calls) {
            assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, call).kind());
        }
        s.reset(); // a closed socket's reset is a no-op, not an error
    }

    @Test
    void optionsOfAClosedSocketAreRefusedWhileClosingAndAfterItsMemoryIsFreed() {
        int[] refused = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    s.closeNow();
                    assertOptionsRefused(s); // closing: the handle still exists
                    refused[0]++;
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) { }
                @Override public void onClose(TcpSocket s) {
                    assertOptionsRefused(s); // closed: libuv's handle is freed
                    refused[0]++;
                    server.close();
                    wd[0].cancel();
                }
            });
        });
        wd[0].assertNotFired();
        assertEquals(2, refused[0]);
    }

    // ------------------------------------------------------------------ SO_REUSEPORT

    @Test
    void twoServersWithReusePortShareOnePortAndBothAccept() {
        ListenOptions reuse = ListenOptions.DEFAULT.reusePort(true);
        int[] accepted = new int[2];
        int[] connects = {0};
        int[] reusePortFlags = {-1, -1};
        boolean[] done = {false};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(10));
            TcpServer[] servers = new TcpServer[2];
            for (int i = 0; i < 2; i++) {
                int which = i;
                servers[i] = loop.listen("127.0.0.1", i == 0 ? 0 : servers[0].port(), reuse, new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) {
                        accepted[which]++;
                        if (!done[0] && accepted[0] > 0 && accepted[1] > 0) {
                            done[0] = true;
                            servers[0].close();
                            servers[1].close();
                            wd[0].cancel();
                        }
                    }
                    @Override public void onData(TcpSocket s, ByteBuffer data) { }
                });
            }
            assertEquals(servers[0].port(), servers[1].port());
            if (SocketOptions.readable()) {
                reusePortFlags[0] = SocketOptions.get(servers[0], SOL_SOCKET, SO_REUSEPORT);
                reusePortFlags[1] = SocketOptions.get(servers[1], SOL_SOCKET, SO_REUSEPORT);
            }
            // One client at a time until the kernel has given each server at least one.
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                if (done[0] || connects[0] == 500) return;
                connects[0]++;
                loop.connect("127.0.0.1", servers[0].port(), new SocketHandler() {
                    @Override public void onConnect(TcpSocket s) { s.close(); }
                    @Override public void onData(TcpSocket s, ByteBuffer data) { }
                    @Override public void onClose(TcpSocket s) { next[0].run(); }
                });
            };
            next[0].run();
        });
        wd[0].assertNotFired();
        assertTrue(accepted[0] > 0 && accepted[1] > 0,
                () -> "accepted " + accepted[0] + " and " + accepted[1] + " of " + connects[0] + " connections");
        if (SocketOptions.readable()) {
            assertNotEquals(0, reusePortFlags[0], "SO_REUSEPORT on the first server (libuv " + EventLoop.libuvVersion() + ")");
            assertNotEquals(0, reusePortFlags[1], "SO_REUSEPORT on the second server");
        }
    }

    @Test
    void aServerWithoutReusePortCannotShareTheOtherOnesPort() {
        ListenOptions reuse = ListenOptions.DEFAULT.reusePort(true);
        List<UvException> refused = new ArrayList<>();
        int[] defaultFlag = {-1};
        Loops.run(loop -> {
            TcpServer shared = loop.listen("127.0.0.1", 0, reuse, (s, d) -> { });
            refused.add(assertThrows(UvException.class,
                    () -> loop.listen("127.0.0.1", shared.port(), ListenOptions.DEFAULT, (s, d) -> { })));
            TcpServer alone = loop.listen("127.0.0.1", 0, ListenOptions.DEFAULT, (s, d) -> { });
            if (SocketOptions.readable()) defaultFlag[0] = SocketOptions.get(alone, SOL_SOCKET, SO_REUSEPORT);
            refused.add(assertThrows(UvException.class, () -> loop.listen("127.0.0.1", alone.port(), reuse, (s, d) -> { })));
            shared.close();
            alone.close();
        });
        // Loops.run checked that the refused servers' handles were closed and freed.
        assertEquals(2, refused.size());
        for (UvException e : refused) assertEquals(ErrorKind.ADDRESS_IN_USE, e.kind(), e::toString);
        if (SocketOptions.readable()) assertEquals(0, defaultFlag[0], "SO_REUSEPORT is off unless asked for");
    }

    // ------------------------------------------------------------------ IPv6 only, simultaneous accepts

    private static void assumeIpv6() {
        EventLoop probe = EventLoop.create();
        try {
            probe.run(l -> {
                try {
                    l.listen("::1", 0, (s, d) -> { }).close();
                } catch (UvException e) {
                    assumeTrue(false, "::1 is not available here: " + e.getMessage());
                }
            });
        } finally {
            probe.close();
        }
    }

    /**
     * What IPv6-only changes, on loopback: an IPv6 socket bound to the IPv4-mapped ::ffff:127.0.0.1
     * takes IPv4 clients when it is dual-stack, and cannot bind there at all when it is IPv6 only,
     * which proves the option was set before bind. (Reading IPV6_V6ONLY back from a server on ::1
     * would prove nothing: Linux turns it on itself when a socket binds a specific IPv6 address.)
     */
    @Test
    void aDualStackServerTakesIPv4ClientsAndAnIpv6OnlyOneCannotBindAnIPv4MappedAddress() {
        assumeIpv6();
        InetSocketAddress[] bound = new InetSocketAddress[1];
        InetSocketAddress[] seen = new InetSocketAddress[1];
        UvException[] refused = new UvException[1];
        int[] dualFlag = {-1};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            refused[0] = assertThrows(UvException.class,
                    () -> loop.listen("::ffff:127.0.0.1", 0, ListenOptions.DEFAULT.ipv6Only(true), (s, d) -> { }));
            TcpServer[] dual = new TcpServer[1];
            dual[0] = loop.listen("::ffff:127.0.0.1", 0, ListenOptions.DEFAULT, new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    seen[0] = s.remoteAddress();
                    s.close();
                    dual[0].close();
                    wd[0].cancel();
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) { }
            });
            bound[0] = dual[0].address();
            if (SocketOptions.readable()) dualFlag[0] = SocketOptions.get(dual[0], IPPROTO_IPV6, IPV6_V6ONLY);
            loop.connect("127.0.0.1", dual[0].port(), (s, d) -> { });
        });
        wd[0].assertNotFired();
        if (SocketOptions.readable()) {
            assertEquals("EINVAL", refused[0].errorName(), refused[0]::toString); // Linux's inet6_bind
            assertEquals(0, dualFlag[0], "IPV6_V6ONLY is off by default");
        }
        // Java shows the mapped address as the IPv4 one it stands for; the peer is the IPv4 client.
        assertTrue(bound[0].getAddress().isLoopbackAddress(), bound[0]::toString);
        assertTrue(seen[0].getAddress().isLoopbackAddress(), seen[0]::toString);
        assertFalse(seen[0].getAddress() instanceof Inet6Address, seen[0]::toString);
    }

    @Test
    void ipv6OnlyWithAnIPv4AddressIsRefusedAndLeavesNothingOpen() {
        Loops.run(loop -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.listen("127.0.0.1", 0, ListenOptions.DEFAULT.ipv6Only(true), (s, d) -> { }));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        });
    }

    @Test
    void aServerWithoutSimultaneousAcceptsStillAccepts() {
        // uv_tcp_simultaneous_accepts changes something on Windows only; everywhere it must not break listening.
        int[] accepted = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer[] server = new TcpServer[1];
            server[0] = loop.listen("127.0.0.1", 0, ListenOptions.DEFAULT.simultaneousAccepts(false), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) {
                    accepted[0]++;
                    s.close();
                    server[0].close();
                    wd[0].cancel();
                }
                @Override public void onData(TcpSocket s, ByteBuffer data) { }
            });
            loop.connect("127.0.0.1", server[0].port(), (s, d) -> { });
        });
        wd[0].assertNotFired();
        assertEquals(1, accepted[0]);
    }

    @Test
    void listenOptionsRefuseABadBacklogAndKeepTheRest() {
        assertThrows(IllegalArgumentException.class, () -> ListenOptions.DEFAULT.backlog(0));
        ListenOptions o = ListenOptions.DEFAULT.backlog(7).reusePort(true).ipv6Only(true).simultaneousAccepts(false);
        assertEquals(new ListenOptions(7, true, true, false), o);
        assertEquals(ListenOptions.DEFAULT, o.backlog(1024).reusePort(false).ipv6Only(false).simultaneousAccepts(true));
    }
}
