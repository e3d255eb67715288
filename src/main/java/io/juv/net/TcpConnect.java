package io.juv.net;

import io.juv.internal.LoopCore;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.MemorySegment;

/** uv_tcp_connect to one resolved address. */
final class TcpConnect extends RequestBase {

    private final TcpSocket socket;

    TcpConnect(LoopCore core, TcpSocket socket) {
        super(core, Type.CONNECT, 0);
        this.socket = socket;
    }

    void start(MemorySegment sockaddr) {
        started(Uv.tcpConnect(request, socket.nativeHandle(), sockaddr, Upcalls.REQUEST));
    }

    @Override
    protected void onComplete(int status, long result) {
        socket.connectDone(status);
    }
}
