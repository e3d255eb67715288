package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** uv_getaddrinfo for a client's host name, on libuv's thread pool; connects to the first address. */
final class DnsLookup extends RequestBase {

    private final TcpSocket socket;
    private final String host;
    private final int port;

    DnsLookup(LoopCore core, TcpSocket socket, String host, int port) {
        super(core, Type.GETADDRINFO, 0);
        this.socket = socket;
        this.port = port;
        this.host = host;
    }

    /** libuv copies the name, service and hints, so they may live in a short arena. */
    void start(Arena arena) {
        MemorySegment hints = arena.allocate(Platform.ADDRINFO_SIZE);
        Platform.hintsStream(hints);
        started(Uv.getaddrinfo(core.loop, request, Upcalls.GETADDRINFO, arena.allocateFrom(host),
                arena.allocateFrom(Integer.toString(port)), hints));
    }

    @Override
    protected void onComplete(int status, long addrinfo) {
        try {
            if (status < 0) {
                socket.connectFailed(Errors.of(status));
            } else {
                socket.connectTo(Platform.addrinfoAddr(MemorySegment.ofAddress(addrinfo)));
            }
        } finally {
            if (addrinfo != 0) Uv.freeaddrinfo(addrinfo);
        }
    }
}
