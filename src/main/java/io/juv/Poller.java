package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.StartableHandle;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Readiness of a file descriptor or socket that something else reads and writes (libuv's
 * {@code uv_poll_t}, cl-async's poller): a socket of another library, a pipe, an eventfd, a
 * terminal, a sysfs file (for {@link PollEvent#PRIORITIZED}). Made by {@link EventLoop#poll}.
 *
 * <p>This lives in {@code io.juv}, not {@code io.juv.net}: it is a loop primitive for any
 * descriptor (on Unix; on Windows for sockets only), beside timers and signals, and it never owns
 * what it polls, unlike the sockets and pipes of {@code io.juv.net}.
 *
 * <p><b>The descriptor.</b> The poller watches a duplicate of its own ({@code dup}) of the
 * descriptor given, closed when the poller closes. So closing yours while the poller is open is
 * harmless (libuv polling your descriptor itself aborts the process when it is closed under it
 * and the interest then changes: epoll_ctl fails inside uv_run; PollerTest tried it), and polling
 * a socket that a juv stream of the same loop reads works too (libuv refuses a descriptor number
 * it already watches with EEXIST). Note what the duplicate means: the open file (a socket's
 * connection) stays open until both are closed. libuv sets the file non-blocking (the flag is the open file's, so yours is too).
 * Regular files and directories cannot be polled (libuv refuses them).
 *
 * <p>Readiness is level-triggered: while the descriptor stays readable the handler is called in
 * every iteration, so read what is there, or change the {@link #interest(Set)}. Every method must
 * be called on the loop's thread; a started poller keeps the loop alive.
 *
 * {@snippet :
 * // Another library's socket: read it whenever the loop finds it readable.
 * Poller p = loop.poll(fd, EnumSet.of(PollEvent.READABLE), (poller, ready) -> {
 *     int n = otherLibrary.read(fd, buffer);   // non-blocking: libuv set O_NONBLOCK
 *     if (n <= 0) poller.close();              // end of stream or an error: stop watching
 * });
 * }
 *
 * <p>{@link #stop()} pauses the poller and {@link #start()} resumes it; after {@link #close()}
 * (which closes its duplicate, not your descriptor) {@code start} and {@code interest(Set)} throw
 * {@link IllegalStateException}; the getters still answer.
 */
public final class Poller extends StartableHandle {

    private final int fd;
    private final int polled;
    private final PollHandler handler;
    private int mask;

    private Poller(LoopCore core, int fd, int polled, int mask, PollHandler handler) {
        super(core, HandleKind.POLL, (loop, h) -> Uv.pollInit(loop, h, polled));
        this.fd = fd;
        this.polled = polled;
        this.mask = mask;
        this.handler = handler;
    }

    /**
     * Starts polling {@code fd} for {@code interest} (empty: made stopped). The same as
     * {@code loop.poll(fd, interest, handler)}.
     *
     * @param loop     the loop, on its own thread
     * @param fd       the descriptor; the poller watches a duplicate of its own
     * @param interest what to wait for
     * @param handler  what readiness and errors go to, on the loop's thread
     * @return the poller, started unless {@code interest} is empty
     * @throws IllegalArgumentException if fd is not an open descriptor
     * @throws IllegalStateException if the loop is closed
     * @throws UvException if libuv cannot poll it (EPERM for a regular file, say)
     */
    public static Poller open(EventLoop loop, int fd, Set<PollEvent> interest, PollHandler handler) {
        Objects.requireNonNull(handler, "handler");
        int mask = maskOf(interest);
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        int polled = Platform.duplicate(fd);
        if (polled < 0) throw new IllegalArgumentException("juv: file descriptor " + fd + " is not open");
        Poller p;
        try {
            p = new Poller(core, fd, polled, mask, handler);
        } catch (RuntimeException | Error e) {
            if (polled != fd) Platform.closeDuplicate(polled);
            throw e;
        }
        if (mask != 0) p.start();
        return p;
    }

    private static int maskOf(Set<PollEvent> events) {
        Objects.requireNonNull(events, "interest");
        int m = 0;
        for (PollEvent e : events) {
            m |= switch (e) {
                case READABLE -> Uv.READABLE;
                case WRITABLE -> Uv.WRITABLE;
                case DISCONNECT -> Uv.DISCONNECT;
                case PRIORITIZED -> Uv.PRIORITIZED;
            };
        }
        return m;
    }

    private static Set<PollEvent> eventsOf(int m) {
        EnumSet<PollEvent> s = EnumSet.noneOf(PollEvent.class);
        if ((m & Uv.READABLE) != 0) s.add(PollEvent.READABLE);
        if ((m & Uv.WRITABLE) != 0) s.add(PollEvent.WRITABLE);
        if ((m & Uv.DISCONNECT) != 0) s.add(PollEvent.DISCONNECT);
        if ((m & Uv.PRIORITIZED) != 0) s.add(PollEvent.PRIORITIZED);
        return s;
    }

    @Override
    protected String describe() {
        return "the poller of descriptor " + fd;
    }

    /** {@return the descriptor given to {@link EventLoop#poll}} The poller watches its own duplicate of it. */
    public int fd() {
        return fd;
    }

    /** {@return what the poller waits for, whether or not it is started} */
    public Set<PollEvent> interest() {
        return eventsOf(mask);
    }

    /**
     * Changes what the poller waits for, at once if it is started; an empty set stops it. A
     * stopped poller stays stopped (with an interest, {@link #start()} starts it).
     *
     * @param interest what to wait for from now on
     * @throws IllegalStateException if the poller is closed
     * @throws UvException if libuv refuses the change
     */
    public void interest(Set<PollEvent> interest) {
        int m = maskOf(interest);
        checkOpen();
        mask = m;
        if (m == 0) stop();
        else if (isActive()) Errors.check(Uv.pollStart(handle, m, Upcalls.POLL));
    }

    /**
     * Starts polling for the {@link #interest()}; does nothing if started.
     *
     * @throws IllegalStateException if the poller is closed, or its interest is empty
     * @throws UvException if libuv refuses to poll
     */
    @Override
    public void start() {
        checkOpen();
        if (mask == 0) throw new IllegalStateException("juv: nothing to poll for; set an interest first");
        super.start();
    }

    @Override
    protected void startNative() {
        Errors.check(Uv.pollStart(handle, mask, Upcalls.POLL));
    }

    @Override
    protected void stopNative() {
        Uv.pollStop(handle);
    }

    /** Stops polling and frees the poller and its duplicate descriptor; yours stays open. Safe more than once. */
    @Override
    public void close() {
        super.close();
    }

    @Override
    protected void onPoll(int status, int events) {
        if (isClosed()) return;
        if (status < 0) {
            handler.onError(this, Errors.of(status, "polling descriptor " + fd));
            return;
        }
        Set<PollEvent> ready = eventsOf(events);
        if (!ready.isEmpty()) handler.onReady(this, ready);
    }

    @Override
    protected Runnable whenLost() {
        int dup = polled;
        return dup == fd ? null : () -> Platform.closeDuplicate(dup);
    }

    @Override
    protected void onClosed() {
        // libuv never closes what it polls; the duplicate is juv's to close, now that libuv is done with it.
        if (polled != fd) Platform.closeDuplicate(polled);
    }

    @Override
    public String toString() {
        return "poller of descriptor " + fd + " " + interest() + stateSuffix();
    }
}
