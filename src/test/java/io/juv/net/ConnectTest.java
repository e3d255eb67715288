package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.Loops;
import io.juv.UvException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Connecting by name and by a list of addresses: each address tried in turn, one socket per
 * attempt, the handler hearing only of the attempt that connected or of the last failure; and the
 * connect timeout, against a listener whose accept queue is full (Linux then drops SYNs, so the
 * connect hangs exactly as it does towards a host that does not answer).
 */
@Timeout(60)
class ConnectTest {

    /** Counts every call a handler gets, in order. */
    private static class Recording implements SocketHandler {
        final List<String> events = new ArrayList<>();
        final List<UvException> errors = new ArrayList<>();
        final List<TcpSocket> connected = new ArrayList<>();
        final Runnable onClosed;

        Recording(Runnable onClosed) {
            this.onClosed = onClosed;
        }

        @Override public void onData(TcpSocket s, ByteBuffer data) { events.add("data"); }
        @Override public void onConnect(TcpSocket s) {
            events.add("connect");
            connected.add(s);
        }
        @Override public void onError(TcpSocket s, UvException e) {
            events.add("error");
            errors.add(e);
        }
        @Override public void onClose(TcpSocket s) {
            events.add("close");
            onClosed.run();
        }
    }

    private static UvException failure(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "the future is not done");
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(UvException.class, e.getCause());
    }

    private static InetSocketAddress v4(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static InetSocketAddress v6(int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName("::1"), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Connects to the addresses with a server on 127.0.0.1, closes the socket once connected, and
     * gives back what the handler heard and the remote address it saw.
     */
    private static Recording connectsToTheServerAmong(java.util.function.IntFunction<List<InetSocketAddress>> addresses,
                                                      InetSocketAddress[] remote) {
        Recording[] h = new Recording[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
            h[0] = new Recording(() -> {
                server.close();
                wd[0].cancel();
            }) {
                @Override public void onConnect(TcpSocket s) {
                    super.onConnect(s);
                    remote[0] = s.remoteAddress();
                    s.close();
                }
            };
            CompletableFuture<TcpSocket> f = loop.connect(addresses.apply(server.port()), ConnectOptions.DEFAULT, h[0]);
            f.thenAccept(s -> assertSame(h[0].connected.get(0), s, "the future's socket is the handler's"));
        });
        wd[0].assertNotFired();
        return h[0];
    }

    // ------------------------------------------------------------------ one address after another

    @Test
    void firstAddressRefusesSecondAnswers() {
        int refusing = Loops.closedPort();
        InetSocketAddress[] remote = new InetSocketAddress[1];
        int[] serverPort = {0};
        Recording h = connectsToTheServerAmong(port -> {
            serverPort[0] = port;
            return List.of(v4(refusing), v4(port));
        }, remote);
        assertEquals(List.of("connect", "close"), h.events, "the refused attempt is never seen");
        assertTrue(h.errors.isEmpty());
        assertEquals(v4(serverPort[0]), remote[0]);
    }

    @Test
    void ipv6FirstThenIpv4AsForLocalhostWithAnIpv4OnlyServer() {
        // What a resolver that lists ::1 before 127.0.0.1 gives: ::1 refuses (or cannot be reached
        // at all where IPv6 is off), and 127.0.0.1 answers.
        InetSocketAddress[] remote = new InetSocketAddress[1];
        int[] serverPort = {0};
        Recording h = connectsToTheServerAmong(port -> {
            serverPort[0] = port;
            return List.of(v6(port), v4(port));
        }, remote);
        assertEquals(List.of("connect", "close"), h.events);
        assertEquals(v4(serverPort[0]), remote[0]);
    }

    @Test
    void localhostConnectsToAServerOnIpv4LoopbackOnly() {
        Recording[] h = new Recording[1];
        InetSocketAddress[] remote = new InetSocketAddress[1];
        int[] port = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(20));
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
            port[0] = server.port();
            h[0] = new Recording(() -> {
                server.close();
                wd[0].cancel();
            }) {
                @Override public void onConnect(TcpSocket s) {
                    super.onConnect(s);
                    remote[0] = s.remoteAddress();
                    s.close();
                }
            };
            loop.connect("localhost", port[0], h[0]);
        });
        wd[0].assertNotFired();
        assertEquals(List.of("connect", "close"), h[0].events);
        assertEquals(v4(port[0]), remote[0]);
    }

    @Test
    void everyAddressRefusingIsOneErrorThenOneClose() {
        int a = Loops.closedPort();
        int b = Loops.closedPort();
        Recording[] h = new Recording[1];
        CompletableFuture<?>[] f = new CompletableFuture<?>[1];
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop);
            h[0] = new Recording(wd::cancel);
            f[0] = loop.connect(List.of(v4(a), v6(a), v4(b)), ConnectOptions.DEFAULT, h[0]);
        });
        assertEquals(List.of("error", "close"), h[0].events);
        assertEquals(ErrorKind.CONNECTION_REFUSED, h[0].errors.get(0).kind());
        assertSame(h[0].errors.get(0), failure(f[0]), "the future fails with what the handler heard");
    }

    @Test
    void everyAddressRefusingWithinATimeoutIsRefusedNotTimedOut() {
        int a = Loops.closedPort();
        Recording[] h = new Recording[1];
        CompletableFuture<?>[] f = new CompletableFuture<?>[1];
        Loops.run(loop -> {
            h[0] = new Recording(() -> { });
            f[0] = loop.connect(List.of(v4(a), v4(a)), ConnectOptions.DEFAULT.timeout(Duration.ofMillis(300)), h[0]);
            // Outlives the timeout: a deadline left armed would now report a second error.
            loop.delay(Duration.ofMillis(600), () -> { });
        });
        assertEquals(List.of("error", "close"), h[0].events);
        assertEquals(ErrorKind.CONNECTION_REFUSED, failure(f[0]).kind());
    }

    @Test
    void unknownNameIsOneHostNotFoundErrorThenOneClose() {
        Recording[] h = new Recording[1];
        CompletableFuture<?>[] f = new CompletableFuture<?>[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(20));
            h[0] = new Recording(wd[0]::cancel);
            f[0] = loop.connect(DnsTest.invalidName(), 80, h[0]);
            assertEquals(1, loop.stats().outgoingTcp(), "the connection counts from the start");
        });
        wd[0].assertNotFired();
        assertEquals(List.of("error", "close"), h[0].events);
        assertEquals(ErrorKind.HOST_NOT_FOUND, h[0].errors.get(0).kind());
        assertSame(h[0].errors.get(0), failure(f[0]));
    }

    // ------------------------------------------------------------------ timeouts

    /**
     * A listener on 127.0.0.1 that never accepts, with its accept queue filled: Linux drops the
     * SYNs that come after, so a connect to it hangs until its timeout.
     */
    private static final class FullBacklog implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> queued = new ArrayList<>();
        final boolean full;

        FullBacklog() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            boolean hung = false;
            for (int i = 0; i < 16 && !hung; i++) {
                Socket s = new Socket();
                try {
                    s.connect(server.getLocalSocketAddress(), 300);
                    queued.add(s);
                } catch (SocketTimeoutException e) {
                    s.close();
                    hung = true;
                }
            }
            full = hung;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : queued) s.close();
            server.close();
        }
    }

    /** Runs the connect with a handler that records what it hears, and checks that it timed out, once, in time. */
    private static void assertTimesOut(java.util.function.BiFunction<EventLoop, SocketHandler, CompletableFuture<TcpSocket>> connect) {
        Recording[] h = new Recording[1];
        CompletableFuture<?>[] f = new CompletableFuture<?>[1];
        long[] elapsed = {0};
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, Duration.ofSeconds(10));
            // The deadline counts from the loop's time, which is fresh in a timer's callback.
            Loops.freshly(loop, () -> {
                long start = System.nanoTime();
                h[0] = new Recording(() -> {
                    elapsed[0] = System.nanoTime() - start;
                    wd[0].cancel();
                });
                f[0] = connect.apply(loop, h[0]);
            });
        });
        wd[0].assertNotFired();
        assertEquals(List.of("error", "close"), h[0].events);
        UvException e = h[0].errors.get(0);
        assertEquals(ErrorKind.TIMED_OUT, e.kind(), e::toString);
        assertSame(e, failure(f[0]));
        Duration took = Duration.ofNanos(elapsed[0]);
        assertTrue(took.compareTo(Duration.ofMillis(250)) >= 0, "timed out early: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "timed out late: " + took);
    }

    @Test
    void connectToAnAddressThatDoesNotAnswerTimesOut() throws IOException {
        try (FullBacklog target = new FullBacklog()) {
            assumeTrue(target.full, "this system does not drop SYNs to a full accept queue");
            assertTimesOut((loop, h) -> loop.connect("127.0.0.1", target.port(),
                    ConnectOptions.DEFAULT.timeout(Duration.ofMillis(300)), h));
        }
    }

    @Test
    void timeoutCoversLookupAndEveryAttempt() throws IOException {
        // By name: the deadline runs from the call, through the lookup, into the hanging attempt.
        try (FullBacklog target = new FullBacklog()) {
            assumeTrue(target.full, "this system does not drop SYNs to a full accept queue");
            assertTimesOut((loop, h) -> loop.connect("localhost", target.port(),
                    ConnectOptions.DEFAULT.family(IpFamily.IPV4).timeout(Duration.ofMillis(300)), h));
        }
    }

    @Test
    void refusedThenHangingTimesOutOnTheSecondAttempt() throws IOException {
        try (FullBacklog target = new FullBacklog()) {
            assumeTrue(target.full, "this system does not drop SYNs to a full accept queue");
            int refusing = Loops.closedPort();
            assertTimesOut((loop, h) -> loop.connect(List.of(v4(refusing), v4(target.port())),
                    ConnectOptions.DEFAULT.timeout(Duration.ofMillis(300)), h));
        }
    }

    @Test
    void timeoutDoesNotFireOnceConnected() {
        Recording[] h = new Recording[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop);
            TcpServer server = loop.listen("127.0.0.1", 0, (s, d) -> { });
            h[0] = new Recording(() -> {
                server.close();
                wd[0].cancel();
            }) {
                @Override public void onConnect(TcpSocket s) {
                    super.onConnect(s);
                    // Open well past the timeout: an armed deadline would fail the connection now.
                    loop.delay(Duration.ofMillis(700), s::close);
                }
            };
            // From a fresh loop time: a start callback slowed by class loading could let the timer
            // phase, which comes before the poll that sees the connection, find the deadline passed.
            Loops.freshly(loop, () -> loop.connect("127.0.0.1", server.port(),
                    ConnectOptions.DEFAULT.timeout(Duration.ofMillis(500)), h[0]));
        });
        wd[0].assertNotFired();
        assertEquals(List.of("connect", "close"), h[0].events);
    }

    // ------------------------------------------------------------------ refused arguments, closed loops

    @Test
    void badAddressListsAreRefusedAndLeaveNothingOpen() {
        Loops.run(loop -> {
            SocketHandler h = (s, d) -> { };
            assertThrows(IllegalArgumentException.class, () -> loop.connect(List.of(), ConnectOptions.DEFAULT, h));
            assertThrows(IllegalArgumentException.class, () -> loop.connect(
                    List.of(v4(Loops.closedPort()), InetSocketAddress.createUnresolved("localhost", 80)), ConnectOptions.DEFAULT, h));
            assertThrows(NullPointerException.class, () -> loop.connect(Arrays.asList(v4(80), null), ConnectOptions.DEFAULT, h));
            assertThrows(IllegalArgumentException.class, () -> loop.connect("", 80, h));
            assertThrows(IllegalArgumentException.class, () -> loop.connect("localhost\0.invalid", 80, h));
            assertEquals(0, loop.stats().pendingRequests());
        });
        // Loops.run has checked that every socket made before a refusal was closed and freed.
    }

    @Test
    void connectOnAClosedLoopThrowsIllegalState() {
        EventLoop loop = EventLoop.create();
        Loops.closeClean(loop);
        SocketHandler h = (s, d) -> { };
        assertThrows(IllegalStateException.class, () -> loop.connect("localhost", 80, h));
        assertThrows(IllegalStateException.class, () -> loop.connect("127.0.0.1", 80, h));
        assertThrows(IllegalStateException.class, () -> loop.connect(List.of(v4(80)), ConnectOptions.DEFAULT, h));
        assertEquals(0, loop.stats().nativeBytes());
    }
}
