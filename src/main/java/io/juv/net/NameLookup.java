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
import java.util.function.BiConsumer;

/** uv_getnameinfo on libuv's thread pool: the name of an address (a reverse lookup). */
final class NameLookup extends RequestBase {

    /** NI_MAXHOST: the host name libuv hands back lives in the request, at most this long. */
    private static final long MAX_HOST = 1025;

    private final InetSocketAddress address;
    private final BiConsumer<String, UvException> done;

    private NameLookup(LoopCore core, InetSocketAddress address, BiConsumer<String, UvException> done) {
        super(core, Type.GETNAMEINFO, 0);
        this.address = address;
        this.done = done;
    }

    static void start(LoopCore core, InetSocketAddress address, BiConsumer<String, UvException> done) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(Platform.SOCKADDR_STORAGE);
            Addresses.toNative(arena, address, sa); // before the request exists: nothing to undo if it throws
            ThreadPool.use();
            NameLookup lookup = new NameLookup(core, address, done);
            lookup.started(Uv.getnameinfo(core.loop, lookup.request, Upcalls.GETNAMEINFO, sa, 0)); // libuv copies sa
        }
    }

    private String name;

    @Override
    protected void beforeRelease(int status, long hostname) {
        if (status >= 0) name = Platform.cString(hostname, MAX_HOST);
    }

    @Override
    protected void onComplete(int status, long hostname) {
        if (status < 0) done.accept(null, Errors.of(status, "reverse lookup of " + address.getAddress().getHostAddress()));
        else done.accept(name, null);
    }
}
