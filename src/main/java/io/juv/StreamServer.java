package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.LoopCore;
import io.juv.internal.Uv;

/**
 * A listening stream (cl-async's {@code tcp-server}; a pipe server): every accepted connection
 * becomes a {@link Stream} of the server's kind, served by the server's handler. Closing the
 * server stops accepting; connections already accepted stay open.
 */
public abstract class StreamServer extends HandleBase {

    private long accepted;
    private long acceptErrors;
    private final StreamHandler<?> handler;

    protected StreamServer(LoopCore core, HandleKind kind, Init init, StreamHandler<?> handler) {
        super(core, kind, init);
        this.handler = handler;
    }

    /** The listening handle, for the kinds' own calls. */
    protected final long server() {
        return handle;
    }

    /** A new, initialised stream of this server's kind for uv_accept to fill. */
    protected abstract Stream newConnection();

    @Override
    protected final void onConnection(int status) {
        if (status < 0) {
            acceptErrors++;
            handler.onAcceptError(this, Errors.of(status));
            return;
        }
        Stream stream = newConnection();
        int rc = Uv.accept(handle, stream.stream());
        if (rc < 0) {
            stream.abandon();
            acceptErrors++;
            handler.onAcceptError(this, Errors.of(rc));
            return;
        }
        accepted++;
        stream.established();
    }

    /** Connections accepted so far. */
    public long acceptedCount() {
        return accepted;
    }

    /** Connections that arrived but could not be accepted (out of file descriptors, say). */
    public long acceptErrorCount() {
        return acceptErrors;
    }

    /** Stops listening. Connections already accepted are not touched. Safe to call more than once. */
    public void close() {
        closeNow();
    }
}
