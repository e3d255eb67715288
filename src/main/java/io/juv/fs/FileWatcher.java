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
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Watches a file or a directory for changes with the system's own notification (libuv's
 * {@code uv_fs_event_t}: inotify on Linux, FSEvents or kqueue on macOS, ReadDirectoryChangesW on
 * Windows; cl-async's fs-monitor). Made by {@link #watch} or {@code EventLoop.watch}.
 *
 * <p>A watched directory reports its entries by name: created, deleted and renamed ones as
 * {@link FileWatchEvent#RENAME} (once for the old name and once for the new), written ones as
 * {@link FileWatchEvent#CHANGE}. The system may merge, split or drop events under load; treat one
 * as "look again", not as a log.
 *
 * <p><b>Recursive watching</b> (entries of subdirectories too) exists on macOS and Windows only;
 * Linux's inotify watches one directory, and libuv would silently ignore the flag there, so on
 * those systems asking for it is refused with {@link UnsupportedOperationException}
 * ({@link #recursiveSupported()} tells beforehand). Watch each subdirectory instead.
 *
 * <pre>{@code
 * FileWatcher watcher = loop.watch(Path.of("/etc/app"), (w, name, events) -> {
 *     if (events.contains(FileWatchEvent.RENAME)) rescan();           // appeared, went, or renamed
 *     else System.out.println(name + " changed");
 * });
 * }</pre>
 *
 * <p>A started watcher keeps the loop alive; {@code stop()} and {@code start()} pause and resume
 * it (what happens while it is stopped is not reported later), and {@code close()} ends it: after
 * that nothing more is reported, and {@link #path()} and {@link #isRecursive()} still answer.
 * Every method must be called on the loop's thread, except {@link #recursiveSupported()}.
 */
public final class FileWatcher extends StartableHandle {

    private final Path path;
    private final boolean recursive;
    private final FileWatchHandler handler;

    private FileWatcher(LoopCore core, Path path, boolean recursive, FileWatchHandler handler) {
        super(core, HandleKind.FS_EVENT, Uv::fsEventInit);
        this.path = path;
        this.recursive = recursive;
        this.handler = handler;
    }

    /** {@return true where the system can watch a directory's subdirectories too (macOS, Windows)} Any thread. */
    public static boolean recursiveSupported() {
        return Platform.OS == Platform.Os.MAC || Platform.OS == Platform.Os.WINDOWS;
    }

    /**
     * Starts watching {@code path}, a file or a directory. {@code loop.watch(path, handler)} is the
     * same, not recursive.
     *
     * @param loop      the loop it belongs to; call on its thread
     * @param path      the file or directory to watch
     * @param recursive whether a directory's subdirectories are watched too
     * @param handler   hears of every event and error
     * @return the started watcher
     * @throws IllegalStateException if the loop is closed
     * @throws io.juv.UvException if it cannot be watched (ENOENT when it does not exist, say); nothing is left open
     * @throws UnsupportedOperationException for {@code recursive} where the system cannot do it (Linux)
     */
    public static FileWatcher watch(EventLoop loop, Path path, boolean recursive, FileWatchHandler handler) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        if (recursive && !recursiveSupported()) {
            throw new UnsupportedOperationException("juv: recursive file watching needs macOS or Windows; "
                    + Platform.OS + "'s watches one directory (watch each subdirectory instead)");
        }
        FileWatcher w = new FileWatcher(LoopCore.of(loop), path, recursive, handler);
        try {
            w.start();
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): the
     * watcher's name for an error.
     *
     * @return "the watcher of" and the path
     */
    @Override
    protected String describe() {
        return "the watcher of " + path;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): starts
     * libuv's watch (uv_fs_event_start).
     *
     * @throws io.juv.UvException when the path cannot be watched
     */
    @Override
    protected void startNative() {
        try (Arena arena = Arena.ofConfined()) {
            // libuv copies the path.
            int rc = Uv.fsEventStart(handle, Upcalls.FS_EVENT, arena.allocateFrom(path.toString()),
                    recursive ? Uv.FS_EVENT_RECURSIVE : 0);
            if (rc < 0) throw Errors.of(rc, "watching " + path);
        }
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): stops
     * libuv's watch (uv_fs_event_stop). Events that come while stopped are not reported later.
     */
    @Override
    protected void stopNative() {
        Uv.fsEventStop(handle);
    }

    /** {@return the path watched} */
    public Path path() {
        return path;
    }

    /** {@return whether subdirectories are watched too} */
    public boolean isRecursive() {
        return recursive;
    }

    /**
     * juv's hook, not for programs (a protected method of a final class, so none can call or override it): libuv's
     * callback, which hands each event to {@link FileWatchHandler#onEvent}.
     *
     * @param filename the entry's name (a C string valid during the call), or 0
     * @param events   libuv's UV_RENAME and UV_CHANGE bits
     * @param status   0, or a negative libuv error
     */
    @Override
    protected void onFsEvent(long filename, int events, int status) {
        if (isClosed()) return;
        if (status < 0) {
            handler.onError(this, Errors.of(status, "watching " + path));
            return;
        }
        EnumSet<FileWatchEvent> what = EnumSet.noneOf(FileWatchEvent.class);
        if ((events & Uv.FS_RENAME) != 0) what.add(FileWatchEvent.RENAME);
        if ((events & Uv.FS_CHANGE) != 0) what.add(FileWatchEvent.CHANGE);
        if (what.isEmpty()) return;
        // libuv's string lives only during this call: copied out now (names are at most a path's length).
        String name = filename == 0 ? null : Platform.cString(filename, 64 * 1024);
        handler.onEvent(this, name, what);
    }

    @Override
    public String toString() {
        return "watcher of " + path + (recursive ? " (recursive)" : "") + stateSuffix();
    }
}
