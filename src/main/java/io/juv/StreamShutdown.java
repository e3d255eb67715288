package io.juv;

import io.juv.internal.LoopCore;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

/** uv_shutdown: completes once every queued write is flushed and the write side is shut. */
final class StreamShutdown extends RequestBase {

    private final Stream stream;

    StreamShutdown(LoopCore core, Stream stream) {
        super(core, Type.SHUTDOWN, 0);
        this.stream = stream;
    }

    void start(long handle) {
        started(Uv.shutdown(request, handle, Upcalls.REQUEST));
    }

    @Override
    protected void onComplete(int status, long result) {
        stream.shutdownDone(status);
    }
}
