package io.juv;

import io.juv.internal.LoopCore;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;


/** uv_shutdown: completes once every queued write is flushed and the write side is shut. */
final class TcpShutdown extends RequestBase {

    private final TcpSocket socket;

    TcpShutdown(LoopCore core, TcpSocket socket) {
        super(core, Type.SHUTDOWN, 0);
        this.socket = socket;
    }

    void start(long stream) {
        started(Uv.shutdown(request, stream, Upcalls.REQUEST));
    }

    @Override
    protected void onComplete(int status, long result) {
        socket.shutdownDone();
    }
}
