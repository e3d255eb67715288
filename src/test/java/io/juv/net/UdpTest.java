package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Loops;
import io.juv.UvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class UdpTest {

    private static final UdpHandler IGNORE = (u, data, from) -> { };

    private static String text(ByteBuffer data) {
        return StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }

    private static InetSocketAddress local(Udp u) {
        return u.localAddress();
    }

    /** The exception a failed future holds. */
    private static UvException failure(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "the send is not done");
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(UvException.class, e.getCause());
    }

    /**
     * 10,000 datagrams, every one counted by its sequence number. The sender keeps at most 64
     * in flight (it sends one more for each that arrives), so no receive buffer can overflow and
     * the kernel has no reason to drop any: all of them must arrive.
     */
    @Test
    void tenThousandDatagramsOnLoopbackAllArrive() {
        int total = 10_000, window = 64;
        BitSet seen = new BitSet(total);
        int[] counts = new int[2]; // received, sent
        Loops.run(loop -> {
            var wd = Loops.watchdog(loop, Duration.ofSeconds(20));
            Udp sender = loop.udp("127.0.0.1", 0, IGNORE);
            Udp[] receiver = new Udp[1];
            receiver[0] = loop.udp("127.0.0.1", 0, (u, data, from) -> {
                assertEquals(local(sender), from);
                assertEquals(8, data.remaining());
                int seq = data.getInt(data.position());
                assertEquals(~seq, data.getInt(data.position() + 4));
                seen.set(seq);
                counts[0]++;
                if (counts[1] < total) sendOne(sender, local(u), counts);
                if (counts[0] == total) {
                    u.close();
                    sender.close();
                    wd.cancel();
                }
            });
            receiver[0].receiveBufferSize(1 << 20);
            InetSocketAddress to = local(receiver[0]);
            for (int i = 0; i < window; i++) sendOne(sender, to, counts);
        });
        assertEquals(total, counts[0], "datagrams received");
        assertEquals(total, seen.cardinality(), "distinct sequence numbers");
    }

    /**
     * An empty datagram is a datagram: it arrives as an empty view with its sender, and sending
     * one back reaches the peer, from a juv socket and from a java.net one (unconnected: a
     * connected java.net socket writes, and Linux sends nothing for a write of nothing).
     */
    @Test
    void anEmptyDatagramArrivesAndGoesBack() throws Exception {
        try (java.net.DatagramSocket peer = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(10_000);
            List<Integer> sizes = new ArrayList<>();
            Loops.run(loop -> {
                var wd = Loops.watchdog(loop, Duration.ofSeconds(20));
                Udp sender = loop.udp("127.0.0.1", 0, IGNORE);
                Udp receiver = loop.udp("127.0.0.1", 0, (u, data, from) -> {
                    sizes.add(data.remaining());
                    u.send(data, from); // what an echo does
                    if (from.equals(peer.getLocalSocketAddress())) {
                        u.close();
                        sender.close();
                        wd.cancel();
                    } else {
                        try {
                            peer.send(new java.net.DatagramPacket(new byte[0], 0, local(u)));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
                sender.send(new byte[0], local(receiver));
            });
            assertEquals(List.of(0, 0), sizes, "the sizes of the datagrams received, from juv and from java.net");
            java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[16], 16);
            peer.receive(p);
            assertEquals(0, p.getLength());
        }
    }

    /**
     * A burst of 2,000 datagrams into a socket that takes up to 16 a receive call (recvmmsg): all
     * arrive, each in its own view, and views at several slots of the socket's buffer prove that
     * libuv took more than one per call. A view kept past close throws.
     */
    @Test
    void aBatchingSocketTakesABurstSeveralDatagramsACall() {
        int total = 2_000;
        BitSet seen = new BitSet(total);
        java.util.Set<Long> slots = new java.util.HashSet<>();
        ByteBuffer[] kept = new ByteBuffer[1];
        boolean[] batching = new boolean[1];
        Loops.run(loop -> {
            var wd = Loops.watchdog(loop, Duration.ofSeconds(20));
            Udp sender = loop.udp("127.0.0.1", 0, IGNORE);
            Udp receiver = loop.udp("127.0.0.1", 0, UdpOptions.DEFAULT.receiveBatch(16), (u, data, from) -> {
                assertEquals(8, data.remaining());
                int seq = data.getInt(data.position());
                assertEquals(~seq, data.getInt(data.position() + 4));
                seen.set(seq);
                slots.add(java.lang.foreign.MemorySegment.ofBuffer(data).address());
                kept[0] = data;
                if (seen.cardinality() == total) {
                    u.close();
                    sender.close();
                    wd.cancel();
                }
            });
            batching[0] = receiver.batchesReceives();
            receiver.receiveBufferSize(4 << 20);
            // The whole burst is in the kernel before the loop first polls the receiver.
            int[] counts = new int[2];
            for (int i = 0; i < total; i++) sendOne(sender, local(receiver), counts);
        });
        assertEquals(total, seen.cardinality(), "distinct sequence numbers");
        assertTrue(batching[0], "libuv uses recvmmsg on Linux");
        assertTrue(slots.size() > 1, "datagrams in several slots of the batch buffer: " + slots.size());
        assertThrows(IllegalStateException.class, () -> kept[0].get(0));
    }

    @Test
    void aReceiveBatchOutsideOneToTwentyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> UdpOptions.DEFAULT.receiveBatch(0));
        assertThrows(IllegalArgumentException.class, () -> UdpOptions.DEFAULT.receiveBatch(21));
    }

    private static void sendOne(Udp sender, InetSocketAddress to, int[] counts) {
        ByteBuffer b = ByteBuffer.allocate(8).putInt(counts[1]).putInt(~counts[1]).flip();
        assertTrue(sender.send(b, to, (u, error) -> assertEquals(null, error)));
        counts[1]++;
    }

    @Test
    void ipv4AndIpv6OnLoopbackReportTheSenderAndEchoBack() {
        List<String> got = new ArrayList<>();
        for (String host : List.of("127.0.0.1", "::1")) {
            if (host.equals("::1")) assumeTrue(ipv6(), "no IPv6 on this host's loopback");
            Loops.run(loop -> {
                var wd = Loops.watchdog(loop);
                Udp a = loop.udp(host, 0, (u, data, from) -> {
                    got.add(host + " a:" + text(data));
                    u.close();
                    wd.cancel();
                });
                Udp b = loop.udp(host, 0, (u, data, from) -> {
                    assertEquals(host.contains(":"), from.getAddress() instanceof Inet6Address);
                    assertEquals(local(a), from);
                    assertTrue(data.isReadOnly());
                    got.add(host + " b:" + text(data));
                    assertTrue(u.send(data, from)); // the read view itself, sent back during the callback
                    u.close();
                });
                assertTrue(a.send("ping", local(b)));
            });
        }
        assertEquals(List.of("127.0.0.1 b:ping", "127.0.0.1 a:ping", "::1 b:ping", "::1 a:ping"), got);
    }

    private static boolean ipv6() {
        try (var s = new java.net.DatagramSocket(new InetSocketAddress("::1", 0))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aDualStackSocketHearsIpv4AndAnswersIt_anIpv6OnlyOneCannotReachIpv4() {
        assumeTrue(ipv6(), "no IPv6 on this host");
        List<String> got = new ArrayList<>();
        Loops.run(loop -> {
            var wd = Loops.watchdog(loop);
            Udp dual = loop.udp("::", 0, (u, data, from) -> {
                assertInstanceOf(Inet4Address.class, from.getAddress()); // the IPv4-mapped sender, as IPv4
                got.add("dual:" + text(data));
                u.send("pong", from);
                u.close();
            });
            Udp v4 = loop.udp("127.0.0.1", 0, (u, data, from) -> {
                got.add("v4:" + text(data));
                u.close();
                wd.cancel();
            });
            v4.send("ping", new InetSocketAddress("127.0.0.1", local(dual).getPort()));

            Udp only = loop.udp("::", 0, UdpOptions.DEFAULT.ipv6Only(true), IGNORE);
            UvException e = failure(only.sendAsync("x", local(v4)));
            got.add("ipv6Only:" + e.errorName());
            only.close();
        });
        assertEquals(List.of("ipv6Only:ENETUNREACH", "dual:ping", "v4:pong"), got);
    }

    @Test
    void connectedUdpSendsWithoutAnAddressAndRefusesOneWithIt() {
        List<String> got = new ArrayList<>();
        Loops.run(loop -> {
            var wd = Loops.watchdog(loop);
            Udp a = loop.udp("127.0.0.1", 0, IGNORE);
            InetSocketAddress aAddress = local(a); // Linux gives a system-chosen port back at disconnect
            Udp b = loop.udp("127.0.0.1", 0, (u, data, from) -> {
                assertEquals(aAddress, from);
                got.add(text(data));
                if (got.size() == 2) {
                    u.close();
                    a.close();
                    wd.cancel();
                }
            });
            assertFalse(a.isConnected());
            assertEquals("ENOTCONN", assertThrows(UvException.class, a::remoteAddress).errorName());
            assertEquals("EDESTADDRREQ", failure(a.sendAsync("x", null)).errorName());
            a.connect(local(b));
            assertTrue(a.isConnected());
            assertEquals(local(b), a.remoteAddress());
            assertEquals("EISCONN", failure(a.sendAsync("x", local(b))).errorName());
            assertTrue(a.send("one"));
            a.sendAsync(ByteBuffer.wrap("two".getBytes()), null).join();
            assertEquals(0, a.sendQueueCount());
            assertEquals(0, a.sendQueueSize());
            a.disconnect();
            assertFalse(a.isConnected());
        });
        assertEquals(List.of("one", "two"), got);
    }

    /** Multicast over the loopback interface: join, send with loop-back on, receive, leave. */
    @Test
    void multicastOnLoopbackWhereTheKernelAllowsIt() {
        String group = "239.255.77.1";
        List<String> got = new ArrayList<>();
        String[] skip = new String[1];
        Loops.run(loop -> {
            var wd = Loops.watchdog(loop, Duration.ofSeconds(3));
            io.juv.Timer[] giveUp = new io.juv.Timer[1];
            Udp receiver = loop.udp("0.0.0.0", 0, UdpOptions.DEFAULT.reuseAddress(true), (u, data, from) -> {
                got.add(text(data));
                u.leaveGroup(group, "127.0.0.1");
                u.close();
                giveUp[0].cancel();
                wd.cancel();
            });
            Udp sender = loop.udp("127.0.0.1", 0, IGNORE);
            try {
                receiver.joinGroup(group, "127.0.0.1");
                sender.multicastInterface("127.0.0.1");
            } catch (UvException e) {
                skip[0] = "the kernel refuses multicast on loopback: " + e.getMessage();
                receiver.close();
                sender.close();
                wd.cancel();
                return;
            }
            sender.multicastLoop(true);
            sender.multicastTtl(1);
            sender.sendAsync("to the group", new InetSocketAddress(group, local(receiver).getPort()))
                    .whenComplete((v, e) -> {
                        if (e != null) skip[0] = "the kernel refuses multicast on loopback: " + e.getMessage();
                        sender.close();
                    });
            // Source-specific membership, where the kernel has it (Linux does): join and leave again.
            receiver.joinSourceGroup("232.1.1.1", "127.0.0.1", "127.0.0.1");
            receiver.leaveSourceGroup("232.1.1.1", "127.0.0.1", "127.0.0.1");
            giveUp[0] = loop.delay(Duration.ofSeconds(2), () -> {
                if (receiver.isClosed()) return;
                skip[0] = "no multicast datagram came back over loopback in 2 s (lo has no MULTICAST route here)";
                receiver.close();
                wd.cancel();
            });
        });
        assumeTrue(skip[0] == null, skip[0]);
        assertEquals(List.of("to the group"), got);
    }

    /** SO_BROADCAST: the kernel refuses a broadcast address without it (EACCES) and sends with it. */
    @Test
    void broadcastOptionDecidesWhetherABroadcastAddressMaySend() {
        Loops.run(loop -> {
            Udp u = loop.udp("127.0.0.1", 0, IGNORE);
            InetSocketAddress all = new InetSocketAddress("255.255.255.255", Loops.closedPort());
            UvException refused = failure(u.sendAsync("x", all));
            assertEquals("EACCES", refused.errorName());
            u.broadcast(true);
            CompletableFuture<Void> sent = u.sendAsync("x", all);
            // With the option set the kernel no longer says EACCES; without a route out of a
            // sandbox it may still say ENETUNREACH, which is the network's answer, not the option's.
            if (sent.isCompletedExceptionally()) assertFalse(failure(sent).errorName().equals("EACCES"));
            u.broadcast(false);
            u.close();
        });
    }

    @Test
    void everyFailureIsTypedAndLeavesNothingOpen() {
        Loops.run(loop -> {
            assertThrows(IllegalArgumentException.class, () -> loop.udp("not-an-ip", 0, IGNORE));
            assertThrows(IllegalArgumentException.class, () -> loop.udp("127.0.0.1", 70000, IGNORE));
            assertThrows(IllegalArgumentException.class,
                    () -> loop.udp("127.0.0.1", 0, UdpOptions.DEFAULT.ipv6Only(true), IGNORE));
            Udp u = loop.udp("127.0.0.1", 0, IGNORE);
            UvException inUse = assertThrows(UvException.class, () -> loop.udp("127.0.0.1", local(u).getPort(), IGNORE));
            assertEquals(ErrorKind.ADDRESS_IN_USE, inUse.kind());
            UvException notHere = assertThrows(UvException.class, () -> loop.udp("192.0.2.1", 0, IGNORE));
            assertEquals(ErrorKind.ADDRESS_NOT_AVAILABLE, notHere.kind());

            InetSocketAddress to = local(u);
            // Over UDP's limit (65,507 bytes of IPv4 payload): through the try path and the queued one.
            assertEquals(ErrorKind.MESSAGE_TOO_LARGE, failure(u.sendAsync(new byte[65_508], to)).kind());
            CompletableFuture<Void> huge = u.sendAsync(new byte[200_000], to);
            assertTrue(huge.isDone() || u.sendQueueCount() == 1);
            huge.whenComplete((v, e) -> {
                assertEquals(ErrorKind.MESSAGE_TOO_LARGE, assertInstanceOf(UvException.class, e).kind());
                u.close();
            });
            List<UvException> toHandler = new ArrayList<>();
            Udp noCallback = loop.udp("127.0.0.1", 0, new UdpHandler() {
                public void onDatagram(Udp udp, ByteBuffer data, InetSocketAddress sender) { }
                public void onError(Udp udp, UvException error) { toHandler.add(error); }
            });
            assertFalse(noCallback.send(new byte[65_508], to));
            assertEquals(ErrorKind.MESSAGE_TOO_LARGE, toHandler.getFirst().kind());
            assertFalse(noCallback.isClosed(), "a refused datagram does not close the socket");
            noCallback.close();

            assertThrows(IllegalArgumentException.class, () -> u.send("x", InetSocketAddress.createUnresolved("example.org", 9)));
            assertThrows(IllegalArgumentException.class, () -> u.connect(InetSocketAddress.createUnresolved("example.org", 9)));
            // An IPv4 socket cannot send to an IPv6 address (on a socket of its own: u's queue holds the huge one).
            Udp v4 = loop.udp("127.0.0.1", 0, IGNORE);
            UvException wrongFamily = failure(v4.sendAsync("x", new InetSocketAddress("::1", 9)));
            assertEquals(ErrorKind.ADDRESS_NOT_AVAILABLE, wrongFamily.kind(), wrongFamily::toString);
            v4.close();
            assertThrows(UvException.class, () -> u.ttl(0));
            assertThrows(UvException.class, () -> u.ttl(256));
            u.ttl(64);
            assertThrows(UvException.class, () -> u.multicastTtl(256));
            assertThrows(UvException.class, () -> u.multicastInterface("not-an-ip"));
            assertThrows(UvException.class, () -> u.joinGroup("not-a-group", null));
            assertThrows(UvException.class, () -> u.joinGroup("127.0.0.1", null)); // not a multicast address
            assertThrows(IllegalArgumentException.class, () -> u.receiveBufferSize(0));
        });
    }

    @Test
    void reusePortAndReuseAddressLetTwoSocketsBindOnePort() {
        Loops.run(loop -> {
            Udp a = loop.udp("127.0.0.1", 0, UdpOptions.DEFAULT.reusePort(true), IGNORE);
            Udp b = loop.udp("127.0.0.1", local(a).getPort(), UdpOptions.DEFAULT.reusePort(true), IGNORE);
            assertEquals(local(a), local(b));
            Udp c = loop.udp("127.0.0.1", 0, UdpOptions.DEFAULT.reuseAddress(true), IGNORE);
            Udp d = loop.udp("127.0.0.1", local(c).getPort(), UdpOptions.DEFAULT.reuseAddress(true), IGNORE);
            assertEquals(local(c), local(d));
            for (Udp u : List.of(a, b, c, d)) u.close();
        });
    }

    /** Every public method after close: a typed error or an answer from Java state; the view dies with the loop. */
    @Test
    void afterCloseEveryMethodIsTypedAndAKeptViewThrows() {
        ByteBuffer[] kept = new ByteBuffer[1];
        Udp[] closed = new Udp[1];
        List<String> events = new ArrayList<>();
        EventLoop loop = EventLoop.create();
        try {
            Loops.Watchdog[] wd = new Loops.Watchdog[1];
            loop.run(l -> {
                wd[0] = Loops.watchdog(l);
                Udp b = l.udp("127.0.0.1", 0, new UdpHandler() {
                    public void onDatagram(Udp u, ByteBuffer data, InetSocketAddress from) {
                        kept[0] = data;
                        assertThrows(ReadOnlyBufferException.class, () -> data.put(0, (byte) 1));
                        u.close();
                        wd[0].cancel();
                    }
                    public void onClose(Udp u) { events.add("closed"); }
                });
                closed[0] = b;
                l.udp("127.0.0.1", 0, IGNORE).send("hi", local(b), (s, e) -> s.close());
            });
            wd[0].assertNotFired();
            Loops.assertClean(loop);
            assertEquals(List.of("closed"), events);
            assertEquals('h', (char) kept[0].get(0)); // the loop's buffer still exists
            checkClosed(closed[0]);
        } finally {
            Loops.closeClean(loop);
        }
        checkClosed(closed[0]);
        ByteBuffer view = kept[0];
        view.limit(view.capacity());
        assertThrows(IllegalStateException.class, () -> view.get(0));
        assertThrows(IllegalStateException.class, () -> view.get(view.capacity() - 1));
    }

    private static void checkClosed(Udp u) {
        assertTrue(u.isClosed());
        assertFalse(u.isConnected());
        assertFalse(u.send("x", new InetSocketAddress("127.0.0.1", 9)));
        assertEquals(ErrorKind.SOCKET_CLOSED, failure(u.sendAsync("x", new InetSocketAddress("127.0.0.1", 9))).kind());
        assertEquals(0, u.sendQueueSize());
        assertEquals(0, u.sendQueueCount());
        assertFalse(u.hasRef());
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", 9);
        for (Runnable r : List.<Runnable>of(u::localAddress, u::remoteAddress, () -> u.connect(to), u::disconnect,
                () -> u.broadcast(true), () -> u.ttl(1), () -> u.multicastTtl(1), () -> u.multicastLoop(true),
                () -> u.multicastInterface("127.0.0.1"), () -> u.joinGroup("239.1.1.1", null),
                () -> u.leaveGroup("239.1.1.1", null), () -> u.joinSourceGroup("232.1.1.1", null, "127.0.0.1"),
                () -> u.leaveSourceGroup("232.1.1.1", null, "127.0.0.1"), u::sendBufferSize, u::receiveBufferSize,
                () -> u.sendBufferSize(4096), () -> u.receiveBufferSize(4096))) {
            assertEquals(ErrorKind.SOCKET_CLOSED, assertThrows(UvException.class, r::run).kind());
        }
        u.close(); // a second close does nothing
    }
}
