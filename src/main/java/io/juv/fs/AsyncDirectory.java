package io.juv.fs;

import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An open directory read a batch of entries at a time (uv_fs_opendir, uv_fs_readdir,
 * uv_fs_closedir), for directories too large to list at once with {@link Fs#list}. Entries come
 * in the directory's own order, without "." and "..". One read at a time; after {@link #close()}
 * every read is refused with {@link io.juv.ErrorKind#FILE_CLOSED}, and the directory is closed
 * once a read under way is done. Used from the loop's thread only.
 *
 * <pre>{@code
 * loop.fs().openDirectory(Path.of("/var/spool/big")).thenAccept(dir -> next(dir));
 *
 * void next(AsyncDirectory dir) {
 *     dir.read(256, (entries, error) -> {
 *         if (error != null || entries.isEmpty()) { dir.close(); return; } // done: close it
 *         entries.forEach(e -> System.out.println(e.name() + " " + e.kind()));
 *         next(dir);
 *     });
 * }
 * }</pre>
 */
public final class AsyncDirectory {

    private final LoopCore core;
    private final Path path;
    /** libuv's uv_dir_t; freed by uv_fs_closedir, after which nothing here touches it. */
    private final long dir;
    private boolean reading;
    private final DeferredClose closing;

    AsyncDirectory(LoopCore core, Path path, long dir) {
        this.core = core;
        this.path = path;
        this.dir = dir;
        this.closing = new DeferredClose(core, done -> FsRequest.start(core, "closing the directory " + path, 0,
                (loop, req, a) -> Uv.fsClosedir(loop, req.address(), dir, Upcalls.FS), FsRequest.none(), done, null));
    }

    /** {@return the path it was opened with} */
    public Path path() {
        return path;
    }

    /** {@return true once {@link #close()} was called (the directory itself may close a little later)} */
    public boolean isClosed() {
        return closing.isClosing();
    }

    /**
     * Reads the next entries, as {@link #read(int, FsCallback)}.
     *
     * @param max the most entries to read, positive
     * @return a future of up to {@code max} entries, none once every entry was read;
     *         exceptionally FILE_CLOSED once closed
     * @throws IllegalArgumentException if max is not positive
     * @throws IllegalStateException    if a read of this directory is under way, or the loop is closed
     */
    public CompletableFuture<List<DirEntry>> read(int max) {
        return Fs.future(core, cb -> read(max, cb));
    }

    /**
     * Reads the next entries (uv_fs_readdir); once closed, the callback gets
     * {@link io.juv.ErrorKind#FILE_CLOSED} at once.
     *
     * @param max      the most entries to read, positive
     * @param callback gets up to {@code max} entries, none once every entry was read
     * @throws IllegalArgumentException if max is not positive
     * @throws IllegalStateException    if a read of this directory is under way, or the loop is closed
     */
    public void read(int max, FsCallback<List<DirEntry>> callback) {
        Objects.requireNonNull(callback, "callback");
        if (max <= 0) throw new IllegalArgumentException("juv: read at least one entry, not " + max);
        core.checkThread();
        core.checkOpen();
        if (closing.isClosing()) {
            callback.done(null, Errors.fileClosed("the directory " + path));
            return;
        }
        if (reading) throw new IllegalStateException("juv: a read of " + path + " is under way; one at a time");
        reading = true;
        closing.operationStarted();
        long entrySize = Platform.DIRENT_SIZE;
        // libuv writes the entries into the array the uv_dir_t points at: the request's own memory,
        // which lives until the names are read and libuv's cleanup has freed them.
        try {
            FsRequest.<List<DirEntry>>start(core, "reading the directory " + path, max * entrySize, (loop, req, a) -> {
                Platform.dirEntries(dir, req.extraAddress(), max);
                return Uv.fsReaddir(loop, req.address(), dir, Upcalls.FS);
            }, (req, n) -> FsRequest.dirents(req.extraAddress(), n), callback, this::readDone);
        } catch (RuntimeException | Error e) {
            readDone();
            throw e;
        }
    }

    private void readDone() {
        if (!reading) return;
        reading = false;
        closing.operationDone();
    }

    /**
     * Closes the directory (uv_fs_closedir) once a read under way is done; later calls give the
     * same future.
     *
     * @return a future that completes once the directory is closed
     */
    public CompletableFuture<Void> close() {
        return closing.close();
    }

    /**
     * Closes the directory once a read under way is done; the callback hears of it then (at once
     * when it is closed already).
     *
     * @param callback told when the directory is closed
     */
    public void close(FsCallback<Void> callback) {
        closing.close(callback);
    }

    @Override
    public String toString() {
        return "AsyncDirectory[" + path + (closing.isClosing() ? ", closed" : "") + "]";
    }
}
