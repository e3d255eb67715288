package io.juv.fs;

import io.juv.UvException;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An open file of one loop: reads and writes (at a position or at the file's own, one buffer or
 * several), its status, sync, truncation, and close. Every operation runs on libuv's thread pool
 * and completes on the loop's thread, in a callback form and a {@link CompletableFuture} form.
 *
 * <p>A read gives the number of bytes read, 0 at the end of the file; a buffer's position moves
 * past the bytes read or written, as a channel's does. Heap buffers and segments of arenas a
 * program may close are copied (see {@link Fs#buffer} for memory that is not); a read into a
 * segment whose arena is closed before the read is done fails with {@code ESCOPECLOSED} and
 * writes nothing anywhere.
 *
 * <p><b>Closing.</b> {@link #close()} refuses every later operation with
 * {@link io.juv.ErrorKind#FILE_CLOSED} and closes the descriptor once the operations already
 * started are done, so none of them can touch a descriptor number the system has handed out
 * again. Used from the loop's thread only.
 *
 * <pre>{@code
 * loop.fs().open(Path.of("data.bin"), StandardOpenOption.READ).thenAccept(file -> {
 *     ByteBuffer header = ByteBuffer.allocate(16);
 *     file.read(header, 0)                                   // at offset 0; the file's own position stays
 *         .thenAccept(n -> System.out.println(n + " bytes: " + header.flip()))
 *         .whenComplete((v, e) -> file.close());
 * });
 * }</pre>
 */
public final class AsyncFile {

    /** A position argument: at the file's current position, which the operation moves (read(2), write(2)). */
    public static final long CURRENT_POSITION = -1;

    private final LoopCore core;
    private final int fd;
    private final Path path;
    private final DeferredClose closing;

    AsyncFile(LoopCore core, int fd, Path path) {
        this.core = core;
        this.fd = fd;
        this.path = path;
        this.closing = new DeferredClose(core, done -> FsRequest.start(core, "closing " + name(), 0,
                (loop, req, a) -> Uv.fsClose(loop, req.address(), fd, Upcalls.FS), FsRequest.none(), done, null));
    }

    /** {@return the file descriptor: the system's number, valid until the file is closed} Java state. */
    public int fd() {
        return fd;
    }

    /** {@return the path it was opened with, or the one mkstemp chose} */
    public Path path() {
        return path;
    }

    /** {@return true once {@link #close()} was called (the descriptor itself may close a little later)} */
    public boolean isClosed() {
        return closing.isClosing();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads at the file's current position into dst's remaining bytes.
     *
     * @param dst the buffer to fill; its position moves past the bytes read
     * @return a future of the number of bytes read, 0 at the end of the file; exceptionally
     *         FILE_CLOSED once closed, or the system's error
     */
    public CompletableFuture<Integer> read(ByteBuffer dst) {
        return read(dst, CURRENT_POSITION);
    }

    /**
     * Reads at {@code position} into dst's remaining bytes (pread(2); read(2) at the current position).
     *
     * @param dst      the buffer to fill; its position moves past the bytes read
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @return a future of the number of bytes read, 0 at the end of the file; exceptionally
     *         FILE_CLOSED once closed, or the system's error
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public CompletableFuture<Integer> read(ByteBuffer dst, long position) {
        return Fs.future(core, cb -> read(dst, position, cb));
    }

    /**
     * Reads at {@code position} into dst's remaining bytes; the callback form.
     *
     * @param dst      the buffer to fill; its position moves past the bytes read
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @param callback gets the number of bytes read, 0 at the end of the file
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public void read(ByteBuffer dst, long position, FsCallback<Integer> callback) {
        read(new ByteBuffer[] {dst}, position, callback);
    }

    /**
     * Scatter: fills the buffers' remaining bytes in order (readv, preadv).
     *
     * @param dsts     the buffers; each position moves past the bytes read into it
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @return a future of the number of bytes read, 0 at the end of the file; exceptionally
     *         FILE_CLOSED once closed, or the system's error
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public CompletableFuture<Integer> read(ByteBuffer[] dsts, long position) {
        return Fs.future(core, cb -> read(dsts, position, cb));
    }

    /**
     * Scatter: fills the buffers' remaining bytes in order; the callback form.
     *
     * @param dsts     the buffers; each position moves past the bytes read into it
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @param callback gets the number of bytes read, 0 at the end of the file
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public void read(ByteBuffer[] dsts, long position, FsCallback<Integer> callback) {
        transfer(IoParts.of(dsts, true), position, true, callback);
    }

    /**
     * Reads into the segment, from its start, at most its size.
     *
     * @param dst      the memory to fill
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @return a future of the number of bytes read, 0 at the end of the file; exceptionally
     *         FILE_CLOSED once closed, or the system's error
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public CompletableFuture<Integer> read(MemorySegment dst, long position) {
        return Fs.future(core, cb -> read(dst, position, cb));
    }

    /**
     * Reads into the segment, from its start, at most its size; the callback form.
     *
     * @param dst      the memory to fill
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @param callback gets the number of bytes read, 0 at the end of the file
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public void read(MemorySegment dst, long position, FsCallback<Integer> callback) {
        transfer(IoParts.of(dst, true), position, true, callback);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes src's remaining bytes at the file's current position (the end, if opened to append).
     * A write may take fewer bytes than given.
     *
     * @param src the bytes to write; its position moves past the bytes written
     * @return a future of the number of bytes written; exceptionally FILE_CLOSED once closed,
     *         or the system's error
     */
    public CompletableFuture<Integer> write(ByteBuffer src) {
        return write(src, CURRENT_POSITION);
    }

    /**
     * Writes src's remaining bytes at {@code position} (pwrite(2); write(2) at the current position).
     *
     * @param src      the bytes to write; its position moves past the bytes written
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @return a future of the number of bytes written; exceptionally FILE_CLOSED once closed,
     *         or the system's error
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public CompletableFuture<Integer> write(ByteBuffer src, long position) {
        return Fs.future(core, cb -> write(src, position, cb));
    }

    /**
     * Writes src's remaining bytes at {@code position}; the callback form.
     *
     * @param src      the bytes to write; its position moves past the bytes written
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @param callback gets the number of bytes written
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public void write(ByteBuffer src, long position, FsCallback<Integer> callback) {
        write(new ByteBuffer[] {src}, position, callback);
    }

    /**
     * Gather: writes the buffers' remaining bytes in order (writev, pwritev).
     *
     * @param srcs     the buffers; each position moves past the bytes written from it
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @return a future of the number of bytes written; exceptionally FILE_CLOSED once closed,
     *         or the system's error
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public CompletableFuture<Integer> write(ByteBuffer[] srcs, long position) {
        return Fs.future(core, cb -> write(srcs, position, cb));
    }

    /**
     * Gather: writes the buffers' remaining bytes in order; the callback form.
     *
     * @param srcs     the buffers; each position moves past the bytes written from it
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @param callback gets the number of bytes written
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public void write(ByteBuffer[] srcs, long position, FsCallback<Integer> callback) {
        transfer(IoParts.of(srcs, false), position, false, callback);
    }

    /**
     * Writes the segment's bytes at {@code position}.
     *
     * @param src      the bytes to write
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @return a future of the number of bytes written; exceptionally FILE_CLOSED once closed,
     *         or the system's error
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public CompletableFuture<Integer> write(MemorySegment src, long position) {
        return Fs.future(core, cb -> write(src, position, cb));
    }

    /**
     * Writes the segment's bytes at {@code position}; the callback form.
     *
     * @param src      the bytes to write
     * @param position the file offset, or {@link #CURRENT_POSITION}
     * @param callback gets the number of bytes written
     * @throws IllegalArgumentException for a position below {@link #CURRENT_POSITION}
     */
    public void write(MemorySegment src, long position, FsCallback<Integer> callback) {
        transfer(IoParts.of(src, false), position, false, callback);
    }

    private void transfer(IoParts parts, long position, boolean read, FsCallback<Integer> callback) {
        Objects.requireNonNull(callback, "callback");
        if (position < CURRENT_POSITION) throw new IllegalArgumentException("juv: a negative position: " + position);
        if (refused(callback)) return;
        String what = (read ? "reading " : "writing ") + name();
        begin(what, parts.extraSize(), (loop, req, arena) -> {
            long extra = req.extraAddress();
            parts.fill(extra, !read);
            return read
                    ? Uv.fsRead(loop, req.address(), fd, extra, parts.count(), position, Upcalls.FS)
                    : Uv.fsWrite(loop, req.address(), fd, extra, parts.count(), position, Upcalls.FS);
        }, (req, n) -> {
            if (read) parts.readDone(req.extraAddress(), n);
            else parts.advance(n);
            return (int) n;
        }, callback);
    }

    // ------------------------------------------------------------------ the rest

    /** {@return a future of the file's status (fstat(2))} */
    public CompletableFuture<FileStat> stat() {
        return Fs.future(core, this::stat);
    }

    /**
     * The file's status (fstat(2)); the callback form.
     *
     * @param callback gets the status
     */
    public void stat(FsCallback<FileStat> callback) {
        run("stat of " + name(), (loop, req, a) -> Uv.fsFstat(loop, req.address(), fd, Upcalls.FS), (req, r) -> req.stat(), callback);
    }

    /** {@return a future that completes once data and metadata are on the device (fsync(2))} */
    public CompletableFuture<Void> sync() {
        return Fs.future(core, this::sync);
    }

    /**
     * fsync(2): data and metadata on the device; the callback form.
     *
     * @param callback told when it is done
     */
    public void sync(FsCallback<Void> callback) {
        run("syncing " + name(), (loop, req, a) -> Uv.fsFsync(loop, req.address(), fd, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * {@return a future that completes once the data is on the device (fdatasync(2))} Only the
     * metadata needed to read it back is written too.
     */
    public CompletableFuture<Void> dataSync() {
        return Fs.future(core, this::dataSync);
    }

    /**
     * fdatasync(2); the callback form.
     *
     * @param callback told when it is done
     */
    public void dataSync(FsCallback<Void> callback) {
        run("syncing " + name(), (loop, req, a) -> Uv.fsFdatasync(loop, req.address(), fd, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * ftruncate(2): cuts the file to length bytes, or extends it with zeros.
     *
     * @param length the file's new size
     * @return a future that completes when it is done
     * @throws IllegalArgumentException for a negative length
     */
    public CompletableFuture<Void> truncate(long length) {
        return Fs.future(core, cb -> truncate(length, cb));
    }

    /**
     * ftruncate(2); the callback form.
     *
     * @param length   the file's new size
     * @param callback told when it is done
     * @throws IllegalArgumentException for a negative length
     */
    public void truncate(long length, FsCallback<Void> callback) {
        if (length < 0) throw new IllegalArgumentException("juv: a negative length: " + length);
        run("truncating " + name(), (loop, req, a) -> Uv.fsFtruncate(loop, req.address(), fd, length, Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * fchmod(2): sets the file's permission bits.
     *
     * @param mode as chmod's octal bits (0644)
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> chmod(int mode) {
        return Fs.future(core, cb -> chmod(mode, cb));
    }

    /**
     * fchmod(2); the callback form.
     *
     * @param mode     as chmod's octal bits (0644)
     * @param callback told when it is done
     */
    public void chmod(int mode, FsCallback<Void> callback) {
        run("chmod of " + name(), (loop, req, a) -> Uv.fsFchmod(loop, req.address(), fd, mode, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * fchown(2): sets the file's owner and group.
     *
     * @param uid the user id, or -1 to leave it
     * @param gid the group id, or -1 to leave it
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> chown(int uid, int gid) {
        return Fs.future(core, cb -> chown(uid, gid, cb));
    }

    /**
     * fchown(2); the callback form.
     *
     * @param uid      the user id, or -1 to leave it
     * @param gid      the group id, or -1 to leave it
     * @param callback told when it is done
     */
    public void chown(int uid, int gid, FsCallback<Void> callback) {
        run("chown of " + name(), (loop, req, a) -> Uv.fsFchown(loop, req.address(), fd, uid, gid, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * futimes(2): sets the access and modification times (to the microsecond or so).
     *
     * @param accessTime   the new access time
     * @param modifiedTime the new modification time
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> setTimes(Instant accessTime, Instant modifiedTime) {
        return Fs.future(core, cb -> setTimes(accessTime, modifiedTime, cb));
    }

    /**
     * futimes(2); the callback form.
     *
     * @param accessTime   the new access time
     * @param modifiedTime the new modification time
     * @param callback     told when it is done
     */
    public void setTimes(Instant accessTime, Instant modifiedTime, FsCallback<Void> callback) {
        double at = Fs.seconds(accessTime, "accessTime"), mt = Fs.seconds(modifiedTime, "modifiedTime");
        run("setting the times of " + name(), (loop, req, a) -> Uv.fsFutime(loop, req.address(), fd, at, mt, Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * sendfile(2): count bytes of this file from position to target at its current position,
     * inside the kernel where it can. Gives the number sent, which may be fewer. Both files stay
     * open until it is done.
     *
     * @param position where in this file to start; this file's own position does not move
     * @param count    how many bytes to send
     * @param target   the file to write to, at its current position
     * @return a future of the number of bytes sent; exceptionally FILE_CLOSED if either file is closed
     * @throws IllegalArgumentException for a negative position or count
     */
    public CompletableFuture<Long> transferTo(long position, long count, AsyncFile target) {
        return Fs.future(core, cb -> transferTo(position, count, target, cb));
    }

    /**
     * sendfile(2); the callback form.
     *
     * @param position where in this file to start
     * @param count    how many bytes to send
     * @param target   the file to write to, at its current position
     * @param callback gets the number of bytes sent
     * @throws IllegalArgumentException for a negative position or count
     */
    public void transferTo(long position, long count, AsyncFile target, FsCallback<Long> callback) {
        Objects.requireNonNull(target, "target");
        if (position < 0 || count < 0) throw new IllegalArgumentException("juv: a negative position or count");
        if (refused(callback)) return;
        if (target.closing.isClosing()) {
            callback.done(null, Errors.fileClosed("the target " + target.name()));
            return;
        }
        // The target's descriptor too must stay open until the kernel is done with it.
        target.closing.operationStarted();
        try {
            this.<Long>run("sending " + name() + " to " + target.name(),
                (loop, req, a) -> Uv.fsSendfile(loop, req.address(), target.fd, fd, position, count, Upcalls.FS),
                (req, n) -> n, (Long n, io.juv.UvException e) -> {
                    target.closing.operationDone();
                    callback.done(n, e);
                });
        } catch (RuntimeException | Error e) {
            target.closing.operationDone();
            throw e;
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the file once the operations already started are done; later calls give the same future.
     *
     * @return a future that completes once the descriptor is closed
     */
    public CompletableFuture<Void> close() {
        return closing.close();
    }

    /**
     * Closes the file once the operations already started are done; the callback hears of it then
     * (at once when it is closed already).
     *
     * @param callback told when the descriptor is closed
     */
    public void close(FsCallback<Void> callback) {
        closing.close(callback);
    }

    // ------------------------------------------------------------------ internals

    private String name() {
        return path != null ? path.toString() : "file descriptor " + fd;
    }

    /** A refused operation is told to its callback at once: the file is closed to this program. */
    private boolean refused(FsCallback<?> callback) {
        core.checkThread();
        core.checkOpen();
        if (!closing.isClosing()) return false;
        callback.done(null, Errors.fileClosed(name()));
        return true;
    }

    private <T> void run(String what, FsRequest.Starter starter, FsRequest.Result<T> result, FsCallback<T> callback) {
        Objects.requireNonNull(callback, "callback");
        if (refused(callback)) return;
        begin(what, 0, starter, result, callback);
    }

    private <T> void begin(String what, long extra, FsRequest.Starter starter, FsRequest.Result<T> result, FsCallback<T> callback) {
        Runnable done = started();
        try {
            FsRequest.start(core, what, extra, starter, result, callback, done);
        } catch (RuntimeException | Error e) {
            done.run();
            throw e;
        }
    }

    /** Counts an operation in; the runnable counts it out, and closes the file if it was the last one a close waits for. */
    private Runnable started() {
        closing.operationStarted();
        boolean[] done = new boolean[1];
        return () -> {
            if (done[0]) return;
            done[0] = true;
            closing.operationDone();
        };
    }

    @Override
    public String toString() {
        return "AsyncFile[" + name() + (closing.isClosing() ? ", closed" : "") + "]";
    }
}
