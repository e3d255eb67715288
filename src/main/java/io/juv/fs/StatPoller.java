package io.juv.fs;

import io.juv.EventLoop;
import io.juv.HandleKind;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.StartableHandle;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Polls a path's status at an interval and reports when it changed (libuv's {@code uv_fs_poll_t}):
 * for what {@link FileWatcher} cannot see, such as files on network file systems, or a path that
 * does not exist yet. Made by {@link #start} or {@code EventLoop.pollStat}. Each poll is a stat on
 * libuv's thread pool; nothing is reported until something differs from the poll before (libuv
 * compares size, times, mode, owner, inode and more).
 *
 * <pre>{@code
 * StatPoller poller = loop.pollStat(Path.of("/mnt/share/report.csv"), Duration.ofSeconds(2),
 *         (p, previous, current) -> {
 *             if (!previous.exists() && current.exists()) System.out.println("it appeared");
 *             else if (!current.exists()) System.out.println("it has gone");
 *             else System.out.println("changed: " + current.size() + " bytes");
 *         });
 * }</pre>
 *
 * <p>A started poller keeps the loop alive; {@code stop()} and {@code start()} pause and resume
 * it (a start compares with a fresh first poll), and {@code close()} ends it: after that nothing
 * more is reported, and {@link #path()} and {@link #interval()} still answer. Every method must be
 * called on the loop's thread.
 */
public final class StatPoller extends StartableHandle {

    /** What kind of entry a path names. */
    public enum Kind {
        /** A regular file. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A symbolic link. */
        SYMBOLIC_LINK,
        /** Anything else that exists (a device, a pipe, a socket). */
        OTHER,
        /** Nothing: the path did not exist (or had not been examined yet). */
        NONE
    }

    /**
     * A path's status at one poll, copied out of libuv's uv_stat_t.
     *
     * @param kind     what the path is
     * @param size     its size in bytes
     * @param modified its last modification time
     * @param mode     its permission bits (the low 12 bits of st_mode)
     * @param inode    its inode number (or the system's equivalent)
     */
    public record Stat(Kind kind, long size, Instant modified, int mode, long inode) {
        /** {@return true unless the kind is {@link Kind#NONE}} */
        public boolean exists() {
            return kind != Kind.NONE;
        }
    }

    private final Path path;
    private final Duration interval;
    private final StatPollHandler handler;

    private StatPoller(LoopCore core, Path path, Duration interval, StatPollHandler handler) {
        super(core, HandleKind.FS_POLL, Uv::fsPollInit);
        this.path = path;
        this.interval = interval;
        this.handler = handler;
    }

    /**
     * Starts polling {@code path} every {@code interval} (at least a millisecond). The path need
     * not exist: its appearing is a change. The same as {@code loop.pollStat(path, interval, handler)}.
     *
     * @param loop     the loop it belongs to; call on its thread
     * @param path     the path to examine
     * @param interval the time between polls, a millisecond to 24 days
     * @param handler  hears of every change and error
     * @return the started poller
     * @throws IllegalArgumentException for an interval out of range
     * @throws io.juv.UvException       when libuv cannot start polling; nothing is left open
     * @throws IllegalStateException    if the loop is closed
     */
    public static StatPoller start(EventLoop loop, Path path, Duration interval, StatPollHandler handler) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        if (Objects.requireNonNull(interval, "interval").isNegative() || interval.isZero() || interval.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("interval must be positive (and under 24 days): " + interval);
        }
        StatPoller p = new StatPoller(LoopCore.of(loop), path, interval, handler);
        try {
            p.start();
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * poller's name for an error.
     *
     * @return "the stat poller of" and the path
     */
    @Override
    protected String describe() {
        return "the stat poller of " + path;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): starts
     * libuv's polling (uv_fs_poll_start). A start (again) compares with a fresh first poll.
     *
     * @throws io.juv.UvException when libuv cannot start it
     */
    @Override
    protected void startNative() {
        try (Arena arena = Arena.ofConfined()) {
            int rc = Uv.fsPollStart(handle, Upcalls.FS_POLL, arena.allocateFrom(path.toString()),
                    (int) Math.max(1, interval.toMillis()));
            if (rc < 0) throw Errors.of(rc, "polling " + path);
        }
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): stops
     * libuv's polling (uv_fs_poll_stop).
     */
    @Override
    protected void stopNative() {
        Uv.fsPollStop(handle);
    }

    /** {@return the path polled} */
    public Path path() {
        return path;
    }

    /** {@return the time between polls} */
    public Duration interval() {
        return interval;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): libuv's
     * callback, which hands each change to {@link StatPollHandler#onChange}.
     *
     * @param status 0, or a negative libuv error
     * @param prev   the uv_stat_t of the poll before
     * @param curr   the uv_stat_t now
     */
    @Override
    protected void onFsPoll(int status, long prev, long curr) {
        if (isClosed()) return;
        Stat previous = stat(prev);
        if (status < 0) {
            handler.onError(this, Errors.of(status, "polling " + path), previous);
            return;
        }
        handler.onChange(this, previous, stat(curr));
    }

    // ------------------------------------------------------------------ uv_stat_t

    /** st_mode's file type bits: POSIX's values, which libuv uses on Windows too. */
    private static final int S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000, S_IFLNK = 0120000;

    /** A uv_stat_t libuv owns, read through Platform (its times' C longs are 32 bits on Windows). */
    private static Stat stat(long address) {
        long mode = Platform.statMode(address);
        Kind kind = switch ((int) (mode & S_IFMT)) {
            case S_IFREG -> Kind.FILE;
            case S_IFDIR -> Kind.DIRECTORY;
            case S_IFLNK -> Kind.SYMBOLIC_LINK;
            case 0 -> Kind.NONE; // libuv's zeroed struct: nothing there
            default -> Kind.OTHER;
        };
        return new Stat(kind, Platform.statSize(address), Platform.statTime(address, 1), (int) (mode & 07777),
                Platform.statIno(address));
    }

    @Override
    public String toString() {
        return "stat poller of " + path + " every " + interval + stateSuffix();
    }
}
