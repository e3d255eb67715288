package io.juv;

import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.MemorySegment;

/** A queued write: one allocation holds the uv_write_t, its uv_buf_t and a copy of the bytes. */
final class TcpWrite extends RequestBase {

    private final TcpSocket socket;
    private final WriteCallback callback;

    TcpWrite(LoopCore core, TcpSocket socket, MemorySegment bytes, WriteCallback callback) {
        super(core, Type.WRITE, Platform.BUF_SIZE + bytes.byteSize());
        this.socket = socket;
        this.callback = callback;
        long buf = extra();
        long n = bytes.byteSize();
        MemorySegment.copy(bytes, 0, extraSegment(), Platform.BUF_SIZE, n);
        Platform.setBuf(buf, buf + Platform.BUF_SIZE, n);
    }

    WriteCallback callback() {
        return callback;
    }

    void start(long stream) {
        started(Uv.write(request, stream, extra(), 1, Upcalls.REQUEST));
    }

    @Override
    protected void onComplete(int status, long result) {
        socket.writeDone(this, status);
    }
}
