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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * uv_getaddrinfo on libuv's thread pool: every stream address of a name, in the resolver's order,
 * each once. The addrinfo list is turned into Java addresses and freed in the callback.
 */
final class AddressLookup extends RequestBase {

    private final BiConsumer<List<InetSocketAddress>, UvException> done;

    private AddressLookup(LoopCore core, BiConsumer<List<InetSocketAddress>, UvException> done) {
        super(core, Type.GETADDRINFO, 0);
        this.done = done;
    }

    /** Starts the lookup; done gets the addresses, or the typed error (HOST_NOT_FOUND, DNS_FAILURE). */
    static void start(LoopCore core, String host, int port, IpFamily family,
                      BiConsumer<List<InetSocketAddress>, UvException> done) {
        ThreadPool.use();
        AddressLookup lookup = new AddressLookup(core, done);
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
        List<InetSocketAddress> found;
        try {
            if (status < 0) {
                done.accept(List.of(), Errors.of(status));
                return;
            }
            LinkedHashSet<InetSocketAddress> each = new LinkedHashSet<>();
            try (Arena arena = Arena.ofConfined()) {
                for (MemorySegment ai = MemorySegment.ofAddress(addrinfo); ai.address() != 0; ai = Platform.addrinfoNext(ai)) {
                    MemorySegment sa = Platform.addrinfoAddr(ai);
                    if (sa.address() != 0) each.add(Addresses.toJava(arena, sa.reinterpret(Platform.SOCKADDR_STORAGE)));
                }
            }
            found = List.copyOf(new ArrayList<>(each));
        } finally {
            if (addrinfo != 0) Uv.freeaddrinfo(addrinfo);
        }
        done.accept(found, null);
    }
}
