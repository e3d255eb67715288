package io.juv.tty;

import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A terminal as a juv {@link Stream} (libuv's {@code uv_tty_t}): everything a stream does (writes
 * with callbacks and futures, backpressure, reading with pause and resume, the blocking
 * {@code inputStream()}/{@code outputStream()} views), plus the window size and the input mode.
 *
 * <pre>{@code
 * if (DescriptorType.of(0) == DescriptorType.TTY) {
 *     Tty in = Tty.stdin(loop, (tty, keys) -> ...);   // reads
 *     Tty out = Tty.stdout(loop, (tty, data) -> { }); // writes only
 *     in.mode(TtyMode.RAW);
 *     out.write("size " + out.windowSize() + "\n");
 * }
 * }</pre>
 *
 * <p><b>Reading.</b> Only a Tty opened readable reads ({@link #stdin}, or {@link #open} with
 * {@code readable}); on one opened for writing {@link #resume()} is refused, since stdout is
 * usually the very terminal stdin reads, and reading it would take the user's keys from stdin.
 *
 * <p><b>Modes.</b> {@link #mode(TtyMode)} changes the terminal's input mode; libuv remembers the
 * terminal's settings from before the first change. They come back when that Tty closes (so when
 * its loop closes), on {@link #resetMode()}, and, once any Tty has left {@link TtyMode#NORMAL},
 * at JVM exit from a shutdown hook juv installs, since a program that ends with its terminal raw
 * leaves the user's shell unusable.
 *
 * <p><b>Descriptors.</b> libuv reopens a terminal it is given (a new open file description on the
 * same device, moved onto the same descriptor number) and makes that non-blocking; closing a Tty
 * never closes descriptors 0, 1 and 2. While a Tty on stdout is open, write to the terminal
 * through it rather than {@code System.out}: the descriptor is non-blocking, so a JVM write to it
 * can fail when the terminal is slow to drain, and PrintStream drops what failed.
 *
 * <p>Package io.juv.tty, like Node's {@code tty} module: a small capability of its own over the
 * one stream type, with the descriptor probe ({@link DescriptorType}) that decides when it applies.
 *
 * <p>Every method must be called on the loop's thread (off it: {@link WrongThreadException}),
 * except the static {@link #resetMode()}.
 */
public final class Tty extends Stream {

    private final int fd;
    private final boolean readable;
    private TtyMode mode = TtyMode.NORMAL;

    private Tty(LoopCore core, int fd, boolean readable, StreamHandler<? super Tty> handler) {
        super(core, HandleKind.TTY, (loop, h) -> Uv.ttyInit(loop, h, fd, readable), handler);
        this.fd = fd;
        this.readable = readable;
    }

    /**
     * The terminal on descriptor 0, for reading (and writing): {@code open(loop, 0, true, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param handler hears of what the user types (onData) and of the Tty's end
     * @return the open Tty, reading already
     * @throws IllegalArgumentException if descriptor 0 is not a terminal
     */
    public static Tty stdin(EventLoop loop, StreamHandler<? super Tty> handler) {
        return open(loop, 0, true, handler);
    }

    /**
     * The terminal on descriptor 1, for writing: {@code open(loop, 1, false, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param handler hears of the Tty's events (its onData is never called, as it does not read)
     * @return the open Tty
     * @throws IllegalArgumentException if descriptor 1 is not a terminal (output redirected, say)
     */
    public static Tty stdout(EventLoop loop, StreamHandler<? super Tty> handler) {
        return open(loop, 1, false, handler);
    }

    /**
     * The terminal on descriptor 2, for writing: {@code open(loop, 2, false, handler)}.
     *
     * @param loop    the loop it belongs to; call on its thread
     * @param handler hears of the Tty's events (its onData is never called, as it does not read)
     * @return the open Tty
     * @throws IllegalArgumentException if descriptor 2 is not a terminal
     */
    public static Tty stderr(EventLoop loop, StreamHandler<? super Tty> handler) {
        return open(loop, 2, false, handler);
    }

    /**
     * The terminal on {@code fd}; with {@code readable} it reads at once (onData gets what the
     * user types: whole lines in {@link TtyMode#NORMAL}, keys as they come in {@link TtyMode#RAW}).
     * {@link StreamHandler#onConnect} runs before this returns. Closing the Tty puts the terminal's
     * mode back if this Tty changed it, and never closes descriptors 0, 1 and 2.
     *
     * @param loop     the loop it belongs to; call on its thread
     * @param fd       the descriptor of the terminal
     * @param readable whether to read from it; a Tty opened for writing only refuses {@link #resume()}
     * @param handler  hears of the Tty's events
     * @return the open Tty
     * @throws IllegalArgumentException if {@code fd} is not a terminal ({@link DescriptorType#of} tells what it is)
     * @throws IllegalStateException    if the loop is closed
     * @throws WrongThreadException     off the loop's thread
     */
    public static Tty open(EventLoop loop, int fd, boolean readable, StreamHandler<? super Tty> handler) {
        Objects.requireNonNull(handler, "handler");
        LoopCore core = LoopCore.of(loop);
        core.checkThread();
        core.checkOpen();
        DescriptorType type = DescriptorType.of(fd);
        if (type != DescriptorType.TTY) {
            throw new IllegalArgumentException("juv: file descriptor " + fd + " is not a terminal but " + type
                    + (type == DescriptorType.PIPE ? " (io.juv.net.Pipe.open streams it)" : ""));
        }
        Tty tty = new Tty(core, fd, readable, handler);
        if (!readable) tty.pause();
        tty.established();
        return tty;
    }

    /** {@return the descriptor this Tty was opened on} Java state: readable after close too. */
    public int fd() {
        return fd;
    }

    /** {@return whether this Tty was opened to read} Java state: readable after close too. */
    public boolean isReadable() {
        return readable;
    }

    /**
     * Starts (or resumes) reading, as {@link Stream#resume()} does.
     *
     * @throws IllegalStateException on a Tty opened for writing only (see the class comment)
     */
    @Override
    public void resume() {
        if (!readable) throw new IllegalStateException("juv: this Tty was opened for writing; open it readable to read");
        super.resume();
    }

    /**
     * The terminal's size now (uv_tty_get_winsize). A program that wants to hear of changes
     * handles {@code Signal.WINCH} and asks again.
     *
     * @return the width and height in character cells
     * @throws io.juv.UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed
     */
    public WindowSize windowSize() {
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("tty");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment h = arena.allocate(ValueLayout.JAVA_INT);
            Errors.check(Uv.ttyGetWinsize(stream(), w, h));
            return new WindowSize(w.get(ValueLayout.JAVA_INT, 0), h.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /**
     * {@return the mode this Tty last set} {@link TtyMode#NORMAL} until then; what it was when it
     * closed: Java state, readable after close.
     */
    public TtyMode mode() {
        return mode;
    }

    /**
     * Sets the terminal's input mode (uv_tty_set_mode). Leaving NORMAL the first time installs
     * the shutdown hook that puts the terminal back at JVM exit.
     *
     * @param mode the mode to set
     * @throws io.juv.UvException {@link io.juv.ErrorKind#SOCKET_CLOSED} once closed; libuv's error
     *         for a mode the platform lacks (IO on Windows)
     */
    public void mode(TtyMode mode) {
        Objects.requireNonNull(mode, "mode");
        core.checkThread();
        if (isClosed()) throw Errors.socketClosed("tty");
        if (mode != TtyMode.NORMAL) ResetAtExit.install();
        Errors.check(Uv.ttySetMode(stream(), switch (mode) {
            case NORMAL -> Uv.TTY_MODE_NORMAL;
            case RAW -> Uv.TTY_MODE_RAW;
            case IO -> Uv.TTY_MODE_IO;
        }));
        this.mode = mode;
    }

    /**
     * Puts the terminal back as it was before the first mode change of any Tty (uv_tty_reset_mode).
     * Safe from any thread and any time; does nothing if no mode was changed, or if the Tty that
     * changed it has closed (which put the terminal back already).
     *
     * @throws io.juv.UvException if libuv cannot set the terminal back (an error but EBUSY and EBADF)
     */
    public static void resetMode() {
        int rc = Uv.ttyResetMode();
        if (rc >= 0) return;
        String name = Errors.of(rc).errorName();
        // EBUSY: a mode change is under way on another thread, which sets the terminal anyway.
        // EBADF: libuv before 1.45 still names the descriptor of a closed Tty, which closing reset.
        if (!name.equals("EBUSY") && !name.equals("EBADF")) throw Errors.of(rc);
    }

    /**
     * libuv 1.45 and later put the terminal back when the Tty that changed its mode closes; 1.44
     * does not, so juv does, while the descriptor is still open. (The same call on 1.45+ only
     * does early what libuv would do.)
     */
    @Override
    protected void beforeClose() {
        if (mode != TtyMode.NORMAL && isAlive()) Uv.ttySetMode(stream(), Uv.TTY_MODE_NORMAL);
        super.beforeClose();
    }

    /** The JVM shutdown hook: uv_tty_reset_mode is async-signal-safe and meant for just this. */
    private static final class ResetAtExit {
        private static boolean installed;

        static synchronized void install() {
            if (installed) return;
            installed = true;
            Runtime.getRuntime().addShutdownHook(new Thread(Uv::ttyResetMode, "juv-tty-reset"));
        }
    }

    @Override
    public String toString() {
        return "Tty[fd " + fd + (isClosed() ? ", closed" : ", " + mode) + "]";
    }
}
