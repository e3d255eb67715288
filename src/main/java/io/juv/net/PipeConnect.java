package io.juv.net;

import io.juv.internal.LoopCore;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;

/** uv_pipe_connect to a path, or uv_pipe_connect2 to an abstract name. */
final class PipeConnect extends RequestBase {

    private final Pipe pipe;

    PipeConnect(LoopCore core, Pipe pipe) {
        super(core, Type.CONNECT, 0);
        this.pipe = pipe;
    }

    /** libuv copies the name into a sockaddr before returning: it need not outlive the call. */
    void start(PipeName name) {
        try (Arena arena = Arena.ofConfined()) {
            if (name.isAbstract()) {
                started(Uv.pipeConnect2(request, pipe.nativeHandle(), name.in(arena), Uv.PIPE_NO_TRUNCATE, Upcalls.REQUEST));
            } else {
                Uv.pipeConnect(request, pipe.nativeHandle(), name.in(arena), Upcalls.REQUEST);
            }
        }
    }

    @Override
    protected void onComplete(int status, long result) {
        pipe.connectDone(status);
    }
}
