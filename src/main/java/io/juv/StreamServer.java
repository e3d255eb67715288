package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.InternalTimer;
import io.juv.internal.LoopCore;
import io.juv.internal.ReserveFd;
import io.juv.internal.Uv;

/**
 * A listening stream (cl-async's {@code tcp-server}; a pipe server): every accepted connection
 * becomes a {@link Stream} of the server's kind, served by the server's handler. Closing the
 * server stops accepting; connections already accepted stay open.
 *
 * <p><b>Out of file descriptors.</b> libuv keeps one spare descriptor per loop and, when an
 * accept fails with EMFILE or ENFILE, frees it to accept and close every waiting connection at
 * once (its "emfile trick"): the clients see their connection end, the server keeps listening,
 * and nothing is reported. When that spare is gone (another thread took the descriptor the trick
 * freed), libuv 1.44 instead calls back with the error again and again, without returning to
 * the loop, until an accept succeeds. For that case each server holds a spare descriptor of its
 * own: at the first such error it backs off. It reports {@link ErrorKind#TOO_MANY_OPEN_FILES}
 * once through {@link StreamHandler#onAcceptError}, frees its spare so that libuv's next accept
 * succeeds, and leaves that connection in libuv's hands without accepting it, which is libuv's
 * own way to pause a server: it stops watching the listening socket until uv_accept is called.
 * New connections wait in the kernel's backlog meanwhile. After 100 ms it opens its spare again:
 * if that works, descriptors are back and it accepts the waiting connection, which resumes
 * listening; if not, it reports again and waits twice as long, up to 1 s. A server that could
 * not open its spare tries again at each connection it accepts. From libuv 1.45 (one accept per
 * wakeup, libuv PR 3696) accept errors are never reported: libuv sheds the connection with its
 * spare, and without its spare tries again at the next turn of the loop until a descriptor is
 * free, which juv cannot see.
 */
public abstract class StreamServer extends HandleBase {

    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private long accepted;
    private long acceptErrors;
    private final StreamHandler<?> handler;
    /** A descriptor held to be given back when none is left; -1 while there is none. */
    private int spareFd;
    private InternalTimer backoff;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private boolean backingOff;
    /** libuv holds an accepted connection juv has not taken, and watches the listener no more meanwhile. */
    private boolean holding;

    protected StreamServer(LoopCore core, HandleKind kind, Init init, StreamHandler<?> handler) {
        super(core, kind, init);
        this.handler = handler;
        this.spareFd = ReserveFd.open(core.loop);
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
            UvException error = Errors.of(status);
            if (error.kind() == ErrorKind.TOO_MANY_OPEN_FILES) outOfDescriptors(error);
            else handler.onAcceptError(this, error);
            return;
        }
        if (backingOff) {
            // Not accepted now: libuv stops watching the listener until it is (see the class comment).
            holding = true;
            return;
        }
        accept();
    }

    private void accept() {
        Stream stream = newConnection();
        int rc = Uv.accept(handle, stream.stream());
        if (rc < 0) {
            stream.abandon();
            acceptErrors++;
            handler.onAcceptError(this, Errors.of(rc));
            return;
        }
        accepted++;
        // libuv, too, takes its spare again when a stream is made with a descriptor free.
        if (spareFd < 0 && !backingOff) spareFd = ReserveFd.open(core.loop);
        stream.established();
    }

    private void outOfDescriptors(UvException error) {
        // libuv 1.44 calls again at once until an accept succeeds: the spare makes the next one succeed.
        ReserveFd.close(core.loop, spareFd);
        spareFd = -1;
        if (backingOff) return; // reported already in this back-off
        backingOff = true;
        if (backoff == null) backoff = new InternalTimer(core, this::backoffOver);
        backoff.start(backoffMillis);
        handler.onAcceptError(this, error);
    }

    private void backoffOver() {
        if (!isAlive() || !backingOff) return;
        int fd = ReserveFd.open(core.loop);
        if (fd < 0) {
            backoffMillis = Math.min(2 * backoffMillis, MAX_BACKOFF_MILLIS);
            backoff.start(backoffMillis);
            acceptErrors++;
            handler.onAcceptError(this, Errors.of(fd));
            return;
        }
        spareFd = fd;
        backingOff = false;
        backoffMillis = FIRST_BACKOFF_MILLIS;
        if (holding) {
            holding = false;
            accept(); // uv_accept also has libuv watch the listener again
        }
    }

    @Override
    protected void beforeClose() {
        // libuv closes a connection it holds for us with the listener.
        if (backoff != null) backoff.close();
        ReserveFd.close(core.loop, spareFd);
        spareFd = -1;
        super.beforeClose();
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
