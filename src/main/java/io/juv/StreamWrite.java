package io.juv;

import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.MemorySegment;

/**
 * A queued write: one allocation holds the uv_write_t, its uv_buf_t and a copy of the bytes; with
 * a stream to send (an IPC pipe's uv_write2), that stream's handle travels with the bytes.
 */
final class StreamWrite extends RequestBase {

    private final Stream stream;
    private final Stream sent;
    private final WriteCallback callback;
    private final long size;

    StreamWrite(LoopCore core, Stream stream, MemorySegment bytes, Stream sent, WriteCallback callback) {
        super(core, Type.WRITE, Platform.BUF_SIZE + bytes.byteSize());
        this.stream = stream;
        this.sent = sent;
        this.callback = callback;
        long buf = extra();
        size = bytes.byteSize();
        MemorySegment.copy(bytes, 0, extraSegment(), Platform.BUF_SIZE, size);
        Platform.setBuf(buf, buf + Platform.BUF_SIZE, size);
    }

    WriteCallback callback() {
        return callback;
    }

    long size() {
        return size;
    }

    /** The stream whose handle this write sends, or null. */
    Stream sent() {
        return sent;
    }

    void start(long handle) {
        started(sent == null ? Uv.write(request, handle, extra(), 1, Upcalls.REQUEST)
                : Uv.write2(request, handle, extra(), 1, sent.stream(), Upcalls.REQUEST));
    }

    @Override
    protected void onComplete(int status, long result) {
        stream.writeDone(this, status);
    }
}
