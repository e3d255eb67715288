package io.juv.net;

import io.juv.EventLoop;
import io.juv.UvException;
import io.juv.internal.Addresses;
import io.juv.internal.LoopCore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Name lookups on libuv's thread pool (getaddrinfo and getnameinfo), completing on the loop's
 * thread. Failures complete the future with a {@link UvException} of kind {@code HOST_NOT_FOUND}
 * (no such name, or none of the family asked for) or {@code DNS_FAILURE} (the resolver failed:
 * EAI_AGAIN, ...); using a closed loop throws {@link IllegalStateException}. The pool is shared
 * with file operations and queued work; its size is set with {@link EventLoop#threadPoolSize(int)}
 * before the first use. A pending lookup keeps the loop running until it completes, even after
 * {@link EventLoop#exit()}: a resolver call cannot be interrupted.
 *
 * <pre>{@code
 * loop.lookup("localhost").thenAccept(addresses -> System.out.println(addresses));
 * Dns.lookup(loop, "example.org", IpFamily.IPV6)
 *         .thenCompose(addresses -> Dns.reverse(loop, addresses.getFirst()))
 *         .whenComplete((name, error) -> System.out.println(error != null ? error : name));
 * }</pre>
 *
 * <p>Both methods are called on the loop's thread (off it: {@link WrongThreadException}), and
 * their futures complete there.
 */
public final class Dns {

    private Dns() {}

    /**
     * Every address of a name, of the family asked for, in the resolver's order, each once. An IP
     * literal (IPv6 with or without brackets) gives itself, if it is of that family. The same as
     * {@code loop.lookup(host, family)}.
     *
     * @param loop   the loop whose thread the future completes on; call on that thread
     * @param host   a host name or an IP literal
     * @param family which addresses are wanted
     * @return a future of the addresses, never an empty list; exceptionally HOST_NOT_FOUND or
     *         DNS_FAILURE (or libuv's error for a name it refuses, a name too long for it, say)
     * @throws IllegalArgumentException for an empty name or one with a NUL character
     * @throws IllegalStateException    if the loop is closed
     */
    public static CompletableFuture<List<InetAddress>> lookup(EventLoop loop, String host, IpFamily family) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(family, "family");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        // getaddrinfo takes "::1" but not "[::1]", which connect and listen take.
        String name = host.startsWith("[") && Addresses.literal(host, 0) != null ? host.substring(1, host.length() - 1) : host;
        CompletableFuture<List<InetAddress>> result = core.newFuture();
        try {
            AddressLookup.start(core, name, 0, family, (found, error) -> {
                if (error != null) result.completeExceptionally(error);
                else result.complete(found.stream().map(InetSocketAddress::getAddress).toList());
            });
        } catch (UvException e) {
            // libuv refused the name (too long for it, say): told the way every lookup failure is.
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * The name of an address (reverse lookup, getnameinfo); its numeric form when it has none.
     * The same as {@code loop.reverseLookup(address)}.
     *
     * @param loop    the loop whose thread the future completes on; call on that thread
     * @param address the address to name
     * @return a future of the name; exceptionally with a {@link UvException} when the resolver fails
     * @throws IllegalStateException if the loop is closed
     */
    public static CompletableFuture<String> reverse(EventLoop loop, InetAddress address) {
        Objects.requireNonNull(address, "address");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        CompletableFuture<String> result = core.newFuture();
        try {
            NameLookup.start(core, new InetSocketAddress(address, 0), (name, error) -> {
                if (error != null) result.completeExceptionally(error);
                else result.complete(name);
            });
        } catch (UvException e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
