package io.juv.net;

import io.juv.EventLoop;
import io.juv.internal.LoopCore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Name lookups on libuv's thread pool (getaddrinfo and getnameinfo), completing on the loop's
 * thread. Failures are {@link io.juv.UvException}s of kind {@code HOST_NOT_FOUND} (no such name,
 * or none of the family asked for) or {@code DNS_FAILURE} (the resolver failed: EAI_AGAIN, ...).
 * The pool is shared with file operations and queued work; its size is set with
 * {@link EventLoop#threadPoolSize(int)} before the first use.
 */
public final class Dns {

    private Dns() {}

    /** Every address of a name, of the family asked for, in the resolver's order, each once. */
    public static CompletableFuture<List<InetAddress>> lookup(EventLoop loop, String host, IpFamily family) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(family, "family");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        AddressLookup.start(core, host, 0, family, (found, error) -> {
            if (error != null) result.completeExceptionally(error);
            else result.complete(found.stream().map(InetSocketAddress::getAddress).toList());
        });
        return result;
    }

    /** The name of an address (reverse lookup); the numeric form when it has none. */
    public static CompletableFuture<String> reverse(EventLoop loop, InetAddress address) {
        Objects.requireNonNull(address, "address");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        CompletableFuture<String> result = new CompletableFuture<>();
        NameLookup.start(core, new InetSocketAddress(address, 0), (name, error) -> {
            if (error != null) result.completeExceptionally(error);
            else result.complete(name);
        });
        return result;
    }
}
