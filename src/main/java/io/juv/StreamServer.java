package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.HandleBase;
import io.juv.internal.InternalTimer;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.ReserveFd;
import io.juv.internal.Upcalls;
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
 * not open its spare tries again at each connection it accepts.
 *
 * <p>From libuv 1.45 (one accept per wakeup, libuv PR 3696) accept errors are never reported:
 * libuv sheds the connection with its spare, and without its spare returns to the loop, which
 * finds the listener readable again at once and tries again: the loop spins, silently, until a
 * descriptor is free (libuv takes its spare again only when a stream is initialised). There each
 * server watches for that spin itself (its {@code AcceptWatch}): a connection that stays waiting for
 * some turns of the loop in a row while none is accepted, and no descriptor to be had, is that
 * case, and the server backs off as above, so that the loop stops watching the listener.
 *
 * <p>Every method must be called on the loop's thread. A listening server keeps the loop alive
 * until it is closed.
 */
public abstract class StreamServer extends HandleBase {

    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 1000;
    /** libuv 1.45 and later never report an accept error (see the class comment); on Windows libuv has no spare to lose. */
    private static final boolean SILENT_ACCEPT_ERRORS = Platform.SOCKETS_ARE_FDS && Uv.atLeast(1, 45);

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
    /** Sees libuv spin on the listener where it reports nothing; null where libuv reports accept errors. */
    private final AcceptWatch watch;

    /**
     * For the server kinds (io.juv.net): a server on a new libuv handle, which the kind then binds
     * and listens on.
     *
     * @param core    the loop's core
     * @param kind    the handle's kind
     * @param init    how libuv initialises the handle
     * @param handler the handler of every accepted connection
     */
    protected StreamServer(LoopCore core, HandleKind kind, Init init, StreamHandler<?> handler) {
        super(core, kind, init);
        this.handler = handler;
        this.spareFd = ReserveFd.open(core.loop);
        AcceptWatch w = null;
        try {
            if (SILENT_ACCEPT_ERRORS) w = new AcceptWatch(core);
        } catch (RuntimeException e) {
            closeNow(); // the kind's constructor never gets to close what it made
            throw e;
        }
        this.watch = w;
    }

    /** {@return the listening handle (its uv_stream_t's address), for the kinds' own calls} */
    protected final long server() {
        return handle;
    }

    /** {@return a new, initialised stream of this server's kind for uv_accept to fill} */
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
        if (watch != null) watch.close();
        ReserveFd.close(core.loop, spareFd);
        spareFd = -1;
        super.beforeClose();
    }

    /**
     * The spin libuv 1.45 and later fall into without their spare, seen from juv: a check handle
     * runs at each turn of the loop (a spinning loop turns some 100,000 times a second, an idle one
     * not at all). After {@link #QUIET_TURNS} turns without an accept it asks the kernel whether a
     * connection waits on the listener (poll, without waiting), and after {@link #WAITING_TURNS}
     * turns in a row with one waiting and none accepted libuv is failing to accept: libuv 1.45+
     * accepts one waiting connection at each turn, or sheds them all with its spare, so a healthy
     * loop never shows a connection waiting that long. If no descriptor can be opened either, the
     * process is out of them and the server backs off, as when libuv 1.44 reports EMFILE: its
     * spare freed, libuv's next accept succeeds, the server holds that connection and libuv stops
     * watching the listener. Anything else that keeps libuv from accepting (ENOBUFS, say) leaves
     * the server alone: juv can do nothing for it, nor for a server that has no spare to free.
     * It costs an upcall per turn, as libuv 1.44's iteration counter does ({@code LoopMetrics}),
     * and a poll(2) every {@code QUIET_TURNS} turns without an accept; while the server backs off
     * it does nothing.
     */
    private final class AcceptWatch extends HandleBase {
        static final int QUIET_TURNS = 128;
        static final int WAITING_TURNS = 8;

        private long seenAccepted;
        private int quietTurns;
        private int waitingTurns;
        private int listenerFd = -1;
        /** The pollfd the question is asked with, in the watch's own memory (freed in its close callback). */
        private final java.lang.foreign.MemorySegment pollfd;

        AcceptWatch(LoopCore core) {
            super(core, HandleKind.CHECK, true, Uv::checkInit);
            int rc = Uv.checkStart(handle, Upcalls.CHECK);
            if (rc < 0) {
                closeNow();
                throw Errors.of(rc);
            }
            Uv.unref(handle);
            pollfd = ownMemory(Platform.POLLFD_SIZE);
            // Once now, with descriptors to spare: from a class directory, loading the classes
            // this needs opens their files, which the process may not be able to when it probes.
            Platform.connectionWaiting(pollfd, listenerFd());
        }

        @Override
        protected void onCheck() {
            if (accepted != seenAccepted || backingOff) {
                seenAccepted = accepted;
                quietTurns = 0;
                waitingTurns = 0;
                return;
            }
            if (waitingTurns == 0 && ++quietTurns < QUIET_TURNS) return;
            if (!Platform.connectionWaiting(pollfd, listenerFd())) {
                quietTurns = 0;
                waitingTurns = 0;
                return;
            }
            if (++waitingTurns < WAITING_TURNS) return;
            quietTurns = 0;
            waitingTurns = 0;
            int fd = ReserveFd.open(core.loop);
            if (fd >= 0) {
                // Descriptors to be had: not the spin this watch is for. Keep it as the spare if there is none.
                if (spareFd < 0) spareFd = fd;
                else ReserveFd.close(core.loop, fd);
                return;
            }
            UvException error = Errors.of(fd);
            if (error.kind() == ErrorKind.TOO_MANY_OPEN_FILES) {
                acceptErrors++;
                outOfDescriptors(error);
            }
        }

        /** The listening socket's descriptor, asked until there is one (a pipe's socket is made by its bind). */
        private int listenerFd() {
            if (listenerFd < 0 && !StreamServer.this.isClosed()) {
                try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    java.lang.foreign.MemorySegment fd = arena.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
                    if (Uv.fileno(server(), fd) == 0) listenerFd = fd.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
                }
            }
            return listenerFd;
        }

        void close() {
            closeNow();
        }
    }

    /** {@return the connections accepted so far} */
    public long acceptedCount() {
        return accepted;
    }

    /** {@return the connections that arrived but could not be accepted (out of file descriptors, say)} */
    public long acceptErrorCount() {
        return acceptErrors;
    }

    /** Stops listening. Connections already accepted are not touched. Safe to call more than once. */
    public void close() {
        closeNow();
    }
}
