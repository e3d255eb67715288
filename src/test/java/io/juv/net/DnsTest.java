package io.juv.net;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.LoopStats;
import io.juv.Loops;
import io.juv.UvException;
import io.juv.bindings.uv_h;
import io.juv.internal.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Name lookups (getaddrinfo) and reverse lookups (getnameinfo) against the system's own resolver,
 * compared with what the JDK's resolver says. Names under the reserved {@code .invalid} TLD never
 * exist (RFC 6761); a watchdog bounds every test, since a resolver without a network may take a
 * while to say so. The thread pool's size is tested in JVMs of its own ({@link ThreadPoolCheck}), as
 * the pool is one per process and the other tests here have started it.
 */
@Timeout(60)
class DnsTest {

    /** How long a lookup may take here: the system resolver's own timeouts are seconds. */
    private static final Duration LOOKUP_WATCHDOG = Duration.ofSeconds(20);

    /** A name that cannot exist, different each time so no cache has seen it. */
    static String invalidName() {
        return "juv-test-" + Long.toHexString(System.nanoTime()) + ".invalid";
    }

    /** Runs a lookup on a clean loop under a watchdog and gives back its future, completed. */
    private static <T> CompletableFuture<T> lookup(java.util.function.Function<EventLoop, CompletableFuture<T>> start) {
        @SuppressWarnings("unchecked")
        CompletableFuture<T>[] future = new CompletableFuture[1];
        Loops.Watchdog[] wd = new Loops.Watchdog[1];
        Loops.run(loop -> {
            wd[0] = Loops.watchdog(loop, LOOKUP_WATCHDOG);
            future[0] = start.apply(loop);
            assertFalse(future[0].isDone(), "a lookup completes from the loop, never before it returns");
            assertEquals(1, loop.stats().pendingRequests(), "the lookup is a pending request");
            future[0].whenComplete((r, e) -> wd[0].cancel());
        });
        wd[0].assertNotFired();
        assertTrue(future[0].isDone());
        return future[0];
    }

    private static UvException failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(UvException.class, e.getCause());
    }

    private static Set<InetAddress> javaAddresses(String host, Predicate<InetAddress> which) throws UnknownHostException {
        return Arrays.stream(InetAddress.getAllByName(host)).filter(which).collect(Collectors.toSet());
    }

    // ------------------------------------------------------------------ forward

    @Test
    void localhostGivesEveryAddressTheSystemGives() throws UnknownHostException {
        List<InetAddress> found = lookup(loop -> loop.lookup("localhost")).join();
        assertEquals(javaAddresses("localhost", a -> true), new HashSet<>(found));
        assertEquals(new HashSet<>(found).size(), found.size(), "an address given twice: " + found);
        assertTrue(found.stream().allMatch(InetAddress::isLoopbackAddress), found::toString);
    }

    @Test
    void ipv4FilterGivesOnlyIpv4() throws UnknownHostException {
        List<InetAddress> found = lookup(loop -> loop.lookup("localhost", IpFamily.IPV4)).join();
        assertFalse(found.isEmpty());
        assertTrue(found.stream().allMatch(a -> a instanceof Inet4Address), found::toString);
        assertEquals(javaAddresses("localhost", a -> a instanceof Inet4Address), new HashSet<>(found));
    }

    @Test
    void ipv6FilterGivesOnlyIpv6OrHostNotFound() throws UnknownHostException {
        Set<InetAddress> expected = javaAddresses("localhost", a -> a instanceof Inet6Address);
        CompletableFuture<List<InetAddress>> f = lookup(loop -> loop.lookup("localhost", IpFamily.IPV6));
        if (expected.isEmpty()) {
            // /etc/hosts here gives localhost no IPv6 address: none of the family asked for.
            assertEquals(ErrorKind.HOST_NOT_FOUND, failure(f).kind());
        } else {
            List<InetAddress> found = f.join();
            assertTrue(found.stream().allMatch(a -> a instanceof Inet6Address), found::toString);
            assertEquals(expected, new HashSet<>(found));
        }
        // An IPv6 literal always has an IPv6 address, whatever the hosts file says.
        assertEquals(List.of(InetAddress.getByName("::1")), lookup(loop -> loop.lookup("::1", IpFamily.IPV6)).join());
    }

    @Test
    void literalsGiveThemselves() throws UnknownHostException {
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), lookup(loop -> loop.lookup("127.0.0.1")).join());
        assertEquals(List.of(InetAddress.getByName("::1")), lookup(loop -> loop.lookup("::1")).join());
        assertEquals(List.of(InetAddress.getByName("::1")), lookup(loop -> loop.lookup("[::1]")).join(),
                "the bracketed form connect takes");
        assertEquals(List.of(InetAddress.getByName("192.0.2.7")), lookup(loop -> loop.lookup("192.0.2.7", IpFamily.IPV4)).join());
    }

    @Test
    void literalOfTheOtherFamilyIsHostNotFound() {
        assertEquals(ErrorKind.HOST_NOT_FOUND, failure(lookup(loop -> loop.lookup("127.0.0.1", IpFamily.IPV6))).kind());
        assertEquals(ErrorKind.HOST_NOT_FOUND, failure(lookup(loop -> loop.lookup("::1", IpFamily.IPV4))).kind());
    }

    @Test
    void unknownNameIsHostNotFound() {
        String name = invalidName();
        UvException e = failure(lookup(loop -> loop.lookup(name)));
        assertEquals(ErrorKind.HOST_NOT_FOUND, e.kind(), e::toString);
        assertTrue(e.errorName().startsWith("EAI_"), e.errorName());
        assertTrue(e.getMessage().contains(name), "the message names what was looked up: " + e.getMessage());
    }

    @Test
    void nameTooLongForLibuvFailsTheFutureAndLeavesNothingPending() {
        // libuv refuses a name longer than DNS allows before anything is queued: told through the future.
        String name = "a".repeat(300) + ".invalid";
        CompletableFuture<?>[] f = new CompletableFuture<?>[1];
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, LOOKUP_WATCHDOG);
            f[0] = loop.lookup(name).whenComplete((r, e) -> wd.cancel());
        });
        UvException e = failure(f[0]);
        assertTrue(e.kind() == ErrorKind.HOST_NOT_FOUND || e.kind() == ErrorKind.OTHER, e::toString);
    }

    @Test
    void badNamesAreRefusedAndLeaveNothingOpen() {
        Loops.run(loop -> {
            assertThrows(IllegalArgumentException.class, () -> loop.lookup(""));
            assertThrows(IllegalArgumentException.class, () -> loop.lookup("localhost\0.invalid"));
            assertThrows(NullPointerException.class, () -> loop.lookup(null));
            assertThrows(NullPointerException.class, () -> loop.lookup("localhost", null));
            assertThrows(NullPointerException.class, () -> loop.reverseLookup(null));
            LoopStats s = loop.stats();
            assertEquals(0, s.pendingRequests());
        });
    }

    @Test
    void manyLookupsAtOnceAllComplete() throws UnknownHostException {
        // More than the pool's threads: the rest wait their turn on libuv's queue.
        int n = 50;
        Set<InetAddress> expected = javaAddresses("localhost", a -> true);
        int[] done = {0};
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, LOOKUP_WATCHDOG);
            for (int i = 0; i < n; i++) {
                loop.lookup("localhost").thenAccept(found -> {
                    assertEquals(expected, new HashSet<>(found));
                    if (++done[0] == n) wd.cancel();
                });
            }
            assertEquals(n, loop.stats().pendingRequests());
        });
        assertEquals(n, done[0]);
    }

    // ------------------------------------------------------------------ reverse

    @Test
    void reverseOfLoopbackIsTheSystemsName() throws UnknownHostException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        String expected = InetAddress.getByAddress(loopback.getAddress()).getCanonicalHostName();
        String name = lookup(loop -> loop.reverseLookup(loopback)).join();
        assertEquals(expected, name);
    }

    @Test
    void reverseOfAnAddressWithNoNameIsItsNumericForm() throws UnknownHostException {
        // 127.0.0.0/8 is served locally by every resolver (RFC 6303): no PTR unless a hosts file names it.
        InetAddress nameless = InetAddress.getByName("127.0.0.254");
        assumeTrue(InetAddress.getByAddress(nameless.getAddress()).getCanonicalHostName().equals("127.0.0.254"),
                "this system has a name for 127.0.0.254");
        assertEquals("127.0.0.254", lookup(loop -> loop.reverseLookup(nameless)).join());
    }

    @Test
    void reverseOfIpv6LoopbackAgreesWithTheSystem() throws UnknownHostException {
        InetAddress six = InetAddress.getByName("::1");
        String expected = InetAddress.getByAddress(six.getAddress()).getCanonicalHostName();
        String name = lookup(loop -> loop.reverseLookup(six)).join();
        assertNotNull(name);
        // The JDK prints a nameless IPv6 address in full (0:0:0:0:0:0:0:1), getnameinfo as ::1.
        if (name.contains(":")) assertEquals(InetAddress.getByName(expected), InetAddress.getByName(name));
        else assertEquals(expected, name);
    }

    @Test
    void forwardThenReverseOfLocalhostComesBackToAName() {
        String[] name = {null};
        Loops.run(loop -> {
            Loops.Watchdog wd = Loops.watchdog(loop, LOOKUP_WATCHDOG);
            // A lookup started from a lookup's completion: the request's memory is already given back.
            loop.lookup("localhost", IpFamily.IPV4)
                    .thenCompose(found -> loop.reverseLookup(found.get(0)))
                    .whenComplete((n, e) -> {
                        name[0] = n;
                        wd.cancel();
                    });
        });
        assertNotNull(name[0]);
        assertFalse(name[0].isEmpty());
    }

    // ------------------------------------------------------------------ the loop's life

    @Test
    void lookupsOnAClosedLoopThrowIllegalState() {
        EventLoop loop = EventLoop.create();
        Loops.closeClean(loop);
        assertThrows(IllegalStateException.class, () -> loop.lookup("localhost"));
        assertThrows(IllegalStateException.class, () -> loop.lookup("localhost", IpFamily.IPV4));
        assertThrows(IllegalStateException.class, () -> loop.reverseLookup(InetAddress.getLoopbackAddress()));
        assertThrows(IllegalStateException.class, () -> Dns.lookup(loop, "localhost", IpFamily.ANY));
        assertThrows(IllegalStateException.class, () -> Dns.reverse(loop, InetAddress.getLoopbackAddress()));
        assertEquals(0, loop.stats().nativeBytes());
    }

    @Test
    void lookupsFromAnotherThreadAreRefused() {
        Loops.run(loop -> {
            assertInstanceOf(WrongThreadException.class, Loops.onOtherThread(() -> loop.lookup("localhost")));
            assertInstanceOf(WrongThreadException.class,
                    Loops.onOtherThread(() -> loop.reverseLookup(InetAddress.getLoopbackAddress())));
            assertEquals(0, loop.stats().pendingRequests());
        });
    }

    @Test
    void resultsOutliveTheLoop() throws UnknownHostException {
        // Lookups hand back plain Java objects, copied out of libuv's memory before it is freed.
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<InetAddress> found = lookup(loop -> loop.lookup("localhost")).join();
        String name = lookup(loop -> loop.reverseLookup(loopback)).join();
        assertTrue(found.get(0).isLoopbackAddress());
        assertEquals(javaAddresses("localhost", a -> true), new HashSet<>(found));
        assertFalse(name.isEmpty());
    }

    @Test
    void lookupPendingAtExitStillCompletes() throws UnknownHostException {
        Set<InetAddress> expected = javaAddresses("localhost", a -> true);
        CompletableFuture<List<InetAddress>> f = lookup(loop -> {
            CompletableFuture<List<InetAddress>> lookup = loop.lookup("localhost");
            loop.exit(); // closes handles; a resolver call cannot be interrupted, so the lookup completes
            return lookup;
        });
        assertEquals(expected, new HashSet<>(f.join()));
    }

    @Test
    void lookupPendingAtCloseCompletesBeforeTheLoopIsFreed() throws UnknownHostException {
        Set<InetAddress> expected = javaAddresses("localhost", a -> true);
        EventLoop loop = EventLoop.create();
        CompletableFuture<List<InetAddress>> f;
        try {
            f = loop.lookup("localhost"); // never run: close() lets it finish
            assertEquals(1, loop.stats().pendingRequests());
        } finally {
            Loops.closeClean(loop);
        }
        assertTrue(f.isDone());
        assertEquals(expected, new HashSet<>(f.join()));
    }

    // ------------------------------------------------------------------ the thread pool's size

    /** Runs {@link ThreadPoolCheck} in a JVM of its own and gives back its output; it must exit 0. */
    private static String checkInOwnJvm(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ThreadPoolCheck.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("UV_THREADPOOL_SIZE");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            // Read on another thread: waitFor bounds the wait even if the child never ends its output.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e + ")";
                }
            });
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child JVM did not finish");
            String out = output.join();
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void threadPoolSizeIsTakenBeforeFirstUseAndRefusedAfter() throws Exception {
        // One thread, then two: a size that differs from libuv's default of 4 either way.
        assertTrue(checkInOwnJvm(Map.of(), "set", "1").contains("ok: 1 threads"));
        assertTrue(checkInOwnJvm(Map.of(), "set", "2").contains("ok: 2 threads"));
    }

    @Test
    void threadPoolSizeFromTheEnvironmentIsReported() throws Exception {
        assertTrue(checkInOwnJvm(Map.of("UV_THREADPOOL_SIZE", "3"), "env", "3").contains("ok: 3 threads"));
    }

    @Test
    void threadPoolSizeCannotBeSetInThisJvmAnyMore() {
        // This JVM's other tests have used the pool (one lookup here makes sure of it).
        lookup(loop -> loop.lookup("localhost")).join();
        int size = EventLoop.threadPoolSize();
        assertThrows(IllegalStateException.class, () -> EventLoop.threadPoolSize(size == 1 ? 2 : 1));
        assertThrows(IllegalArgumentException.class, () -> EventLoop.threadPoolSize(0), "a bad size is a bad argument first");
        assertEquals(size, EventLoop.threadPoolSize());
    }

    // ------------------------------------------------------------------ error mapping

    private static void assertKind(ErrorKind expected, int code) {
        assertEquals(expected, Errors.kindOf(code), () -> Errors.of(code).errorName());
    }

    @Test
    void getaddrinfoErrorsHaveTheirKinds() {
        for (int code : new int[] {uv_h.UV_EAI_NONAME(), uv_h.UV_EAI_NODATA(), uv_h.UV_EAI_ADDRFAMILY()}) {
            assertKind(ErrorKind.HOST_NOT_FOUND, code);
        }
        for (int code : new int[] {uv_h.UV_EAI_AGAIN(), uv_h.UV_EAI_FAIL(), uv_h.UV_EAI_MEMORY(), uv_h.UV_EAI_SERVICE(),
                uv_h.UV_EAI_FAMILY(), uv_h.UV_EAI_SOCKTYPE(), uv_h.UV_EAI_BADFLAGS(), uv_h.UV_EAI_OVERFLOW()}) {
            assertKind(ErrorKind.DNS_FAILURE, code);
        }
        // A lookup cancelled before it ran says EAI_CANCELED, not ECANCELED: still a cancellation.
        assertKind(ErrorKind.CANCELED, uv_h.UV_EAI_CANCELED());
        assertEquals("EAI_NONAME", Errors.of(uv_h.UV_EAI_NONAME()).errorName());
    }
}
