package io.juv.net;

import io.juv.UvException;
import io.juv.internal.Addresses;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.ThreadPool;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * uv_getaddrinfo on libuv's thread pool: every stream address of a name, in the resolver's order,
 * each once. The addrinfo list is turned into Java addresses and freed in the callback.
 */
final class AddressLookup extends RequestBase {

    private final String host;
    private final BiConsumer<List<InetSocketAddress>, UvException> done;

    private AddressLookup(LoopCore core, String host, BiConsumer<List<InetSocketAddress>, UvException> done) {
        super(core, Type.GETADDRINFO, 0);
        this.host = host;
        this.done = done;
    }

    /**
     * Starts the lookup; done gets the addresses (never none), or the typed error (HOST_NOT_FOUND,
     * DNS_FAILURE). Throws what libuv refused to start (a name too long for it, say).
     */
    static void start(LoopCore core, String host, int port, IpFamily family,
                      BiConsumer<List<InetSocketAddress>, UvException> done) {
        // C would read the name only up to a NUL: "localhost\0.evil" must not look up localhost.
        if (host.indexOf('\0') >= 0) throw new IllegalArgumentException("juv: a host name with a NUL character");
        if (host.isEmpty()) throw new IllegalArgumentException("juv: an empty host name");
        ThreadPool.use();
        AddressLookup lookup = new AddressLookup(core, host, done);
        // libuv copies the name, service and hints, so they may live in this short arena.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hints = arena.allocate(Platform.ADDRINFO_SIZE);
            Platform.hintsStream(hints, family.af);
            lookup.started(Uv.getaddrinfo(core.loop, lookup.request, Upcalls.GETADDRINFO, arena.allocateFrom(host),
                    arena.allocateFrom(Integer.toString(port)), hints));
        }
    }

    @Override
    protected void onComplete(int status, long addrinfo) {
        if (status < 0) {
            done.accept(List.of(), Errors.of(status, "looking up " + host));
            return;
        }
        LinkedHashSet<InetSocketAddress> each = new LinkedHashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            for (MemorySegment ai = MemorySegment.ofAddress(addrinfo); ai.address() != 0; ai = Platform.addrinfoNext(ai)) {
                MemorySegment sa = Platform.addrinfoAddr(ai);
                if (sa.address() == 0) continue;
                sa = sa.reinterpret(Platform.SOCKADDR_STORAGE);
                // Only what TCP can connect to; libuv's printer would refuse any other family.
                int family = Platform.family(sa);
                if (family == Platform.AF_INET || family == Platform.AF_INET6) each.add(Addresses.toJava(arena, sa));
            }
        } finally {
            Uv.freeaddrinfo(addrinfo);
        }
        if (each.isEmpty()) done.accept(List.of(), Errors.hostNotFound("looking up " + host));
        else done.accept(List.copyOf(each), null);
    }
}
