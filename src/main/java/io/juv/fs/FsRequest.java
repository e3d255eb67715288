package io.juv.fs;

import io.juv.ErrorKind;
import io.juv.UvException;
import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.RequestBase;
import io.juv.internal.ThreadPool;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every file operation's request: one uv_fs_t, followed by what the operation carries (a read's
 * or write's uv_buf_t array and the copied bytes). libuv runs it on its thread pool and calls the
 * one FS stub on the loop's thread; the result is read out of the request into Java values there,
 * before uv_fs_req_cleanup and the free.
 */
final class FsRequest<T> extends RequestBase {

    /** Starts the operation (paths live in the arena, which libuv copies from before returning). */
    @FunctionalInterface
    interface Starter {
        int start(long loop, FsRequest<?> req, Arena arena);
    }

    /** Turns a non-negative result into the Java value, reading the request's memory while it exists. */
    @FunctionalInterface
    interface Result<T> {
        T read(FsRequest<T> req, long result);
    }

    private final String what;
    private final Result<T> result;
    private final FsCallback<T> callback;
    private final Runnable finished;
    private T value;
    private UvException error;

    private FsRequest(LoopCore core, long extra, String what, Result<T> result, FsCallback<T> callback, Runnable finished) {
        super(core, Type.FS, extra);
        zeroRequest();
        this.what = what;
        this.result = result;
        this.callback = callback;
        this.finished = finished;
    }

    /**
     * Starts one operation. A refusal by libuv reaches the callback at once (the request is freed
     * by then); otherwise the callback runs from the loop when the pool is done.
     *
     * @param finished run when the operation is over, before the callback (an open file's count of pending operations)
     */
    static <T> void start(LoopCore core, String what, long extra, Starter starter, Result<T> result,
                          FsCallback<T> callback, Runnable finished) {
        core.checkThread();
        core.checkOpen();
        ThreadPool.use();
        FsRequest<T> req = new FsRequest<>(core, extra, what, result, callback, finished);
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = starter.start(core.loop, req, arena);
        } catch (RuntimeException | Error e) {
            req.abandon();
            throw e;
        }
        try {
            req.started(rc);
        } catch (UvException refused) {
            if (finished != null) finished.run();
            callback.done(null, Errors.of(rc, what));
        }
    }

    long address() {
        return request;
    }

    /** The bytes after the uv_fs_t: a read's or write's uv_buf_t array, then the copied data. */
    long extraAddress() {
        return extra();
    }

    @Override
    protected void beforeRelease(int status, long req) {
        long r = Uv.fsResult(request);
        if (r < 0) {
            error = Errors.of(r, what);
            return;
        }
        try {
            value = result.read(this, r);
        } catch (UvException e) {
            error = e;
        } catch (RuntimeException e) {
            // A result juv could not turn into Java values: still told, so no future waits forever.
            error = new UvException(0, "ERESULT", "juv could not read the result of " + what + ": " + e, ErrorKind.OTHER);
            error.initCause(e);
        }
    }

    @Override
    protected void beforeFree() {
        Uv.fsReqCleanup(request);
    }

    @Override
    protected void onComplete(int status, long req) {
        if (finished != null) finished.run();
        callback.done(value, error);
    }

    // ------------------------------------------------------------------ readers of results

    static <T> Result<T> none() {
        return (req, r) -> null;
    }

    FileStat stat() {
        long s = Uv.fsStatbuf(request);
        long mode = Platform.statMode(s);
        return new FileStat(FileKind.ofMode(mode), Platform.statSize(s), mode, Platform.statUid(s), Platform.statGid(s),
                Platform.statNlink(s), Platform.statIno(s), Platform.statDev(s), Platform.statRdev(s),
                Platform.statBlksize(s), Platform.statBlocks(s), Platform.statFlags(s), Platform.statGen(s),
                Platform.statTime(s, 0), Platform.statTime(s, 1), Platform.statTime(s, 2), Platform.statTime(s, 3));
    }

    /** A string result in the request's ptr (readlink, realpath). */
    Path ptrPath() {
        return Path.of(Platform.cString(Uv.fsPtr(request), Integer.MAX_VALUE));
    }

    /** The path libuv filled in (mkdtemp, mkstemp: the template with its X's replaced). */
    Path resultPath() {
        return Path.of(Platform.cString(Uv.fsPath(request), Integer.MAX_VALUE));
    }

    FileSystemStats statfs() {
        long s = Uv.fsPtr(request);
        return new FileSystemStats(Platform.statfsType(s), Platform.statfsBsize(s), Platform.statfsBlocks(s),
                Platform.statfsBfree(s), Platform.statfsBavail(s), Platform.statfsFiles(s), Platform.statfsFfree(s));
    }

    /** The n entries a readdir wrote into the uv_dirent_t array at dirents (names in libuv's memory, freed by the cleanup). */
    static List<DirEntry> dirents(long dirents, long n) {
        List<DirEntry> entries = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) entries.add(dirEntry(dirents + i * Platform.DIRENT_SIZE));
        return List.copyOf(entries);
    }

    private static DirEntry dirEntry(long dirent) {
        return new DirEntry(Platform.cString(Platform.direntName(dirent), Integer.MAX_VALUE),
                FileKind.ofDirent(Platform.direntType(dirent)));
    }

    /** The request's ptr: an opendir's uv_dir_t. */
    long ptr() {
        return Uv.fsPtr(request);
    }

    List<DirEntry> scandir() {
        List<DirEntry> entries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            long ent = arena.allocate(Platform.DIRENT_SIZE, 8).address();
            while (Uv.fsScandirNext(request, ent) == 0) entries.add(dirEntry(ent));
        }
        return List.copyOf(entries);
    }
}
