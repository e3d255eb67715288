package io.juv.fs;

import io.juv.EventLoop;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Upcalls;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.AccessMode;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Asynchronous file operations of one loop ({@code loop.fs()}), on libuv's thread pool: each
 * runs there and completes on the loop's thread, in a callback form ({@link FsCallback}) and a
 * {@link CompletableFuture} form. Named for libuv's {@code uv_fs_*} and Node's {@code fs}, and
 * not {@code Files}, so that it reads apart from {@link java.nio.file.Files} in the same file.
 *
 * <p>Failures are {@link io.juv.UvException}s with libuv's error name and a kind for the ones
 * programs handle ({@link io.juv.ErrorKind#NOT_FOUND}, {@code PERMISSION_DENIED},
 * {@code ALREADY_EXISTS}, {@code NOT_A_DIRECTORY}, {@code IS_A_DIRECTORY},
 * {@code DIRECTORY_NOT_EMPTY}, ...); a future completes exceptionally with one, a callback gets
 * it as its error. Every method is called on the loop's thread; on a closed loop it throws
 * {@link IllegalStateException}. A pending operation keeps the loop running until it is done.
 * The pool (4 threads by default) is shared with DNS and queued work; see
 * {@link EventLoop#threadPoolSize(int)}. An {@link AsyncFile} or {@link AsyncDirectory} is not a
 * libuv handle: closing the loop does not close it, and one left open keeps its descriptor.
 */
public final class Fs {

    private final LoopCore core;

    private Fs(LoopCore core) {
        this.core = core;
    }

    /**
     * The file operations of a loop: the same as {@code loop.fs()}.
     *
     * @param loop the loop whose thread the operations complete on
     * @return the loop's file operations
     * @throws IllegalStateException if the loop is closed
     * @throws WrongThreadException off the loop's thread, as every method of the loop
     */
    public static Fs of(EventLoop loop) {
        LoopCore core = LoopCore.of(Objects.requireNonNull(loop, "loop"));
        core.checkThread();
        core.checkOpen();
        return new Fs(core);
    }

    // ------------------------------------------------------------------ buffers that need no copy

    /** Scopes of the buffers juv made: memory that lives as long as anyone holds a segment of it. */
    private static final Set<MemorySegment.Scope> OWN = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static final MemorySegment.Scope GLOBAL = Arena.global().scope();

    /**
     * Native memory for reads and writes that libuv uses in place, with no copy: it cannot be
     * closed, only collected once unreachable, and an operation holds it until it is done. Any
     * other segment or buffer works too, through a copy. Any thread may call it.
     *
     * @param size the size in bytes (the memory starts at a multiple of 4096)
     * @return zeroed native memory of that size
     * @throws IllegalArgumentException for a negative size
     */
    public static MemorySegment buffer(long size) {
        if (size < 0) throw new IllegalArgumentException("size must not be negative: " + size);
        MemorySegment s = Arena.ofAuto().allocate(size, 4096);
        OWN.add(s.scope());
        return s;
    }

    /** True when the segment's memory cannot be freed while a reference to it is held. */
    static boolean outlivesItsUse(MemorySegment s) {
        MemorySegment.Scope scope = s.scope();
        return scope.equals(GLOBAL) || OWN.contains(scope);
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens a file with {@link StandardOpenOption}s as {@link java.nio.channels.FileChannel#open}
     * reads them (none: READ; APPEND implies WRITE; CREATE, CREATE_NEW and TRUNCATE_EXISTING only
     * when writing; SPARSE is a hint and ignored) and {@link LinkOption#NOFOLLOW_LINKS}; a new
     * file gets mode 0666 less the umask.
     *
     * @param path    the file
     * @param options how to open it
     * @return a future of the open file; close it when done
     * @throws UnsupportedOperationException for DELETE_ON_CLOSE or an option juv does not know
     */
    public CompletableFuture<AsyncFile> open(Path path, OpenOption... options) {
        return open(path, Set.of(Objects.requireNonNull(options, "options")), 0666);
    }

    /**
     * Opens a file as {@link #open(Path, OpenOption...)} does, with the mode a new file gets.
     *
     * @param path    the file
     * @param options how to open it
     * @param mode    the permission bits of a new file (0644), less the umask
     * @return a future of the open file; close it when done
     * @throws UnsupportedOperationException for DELETE_ON_CLOSE or an option juv does not know
     */
    public CompletableFuture<AsyncFile> open(Path path, Set<? extends OpenOption> options, int mode) {
        return future(core, cb -> open(path, options, mode, cb));
    }

    /**
     * Opens a file (open(2)); the callback form of {@link #open(Path, Set, int)}.
     *
     * @param path     the file
     * @param options  how to open it
     * @param mode     the permission bits of a new file (0644), less the umask
     * @param callback gets the open file; close it when done
     * @throws UnsupportedOperationException for DELETE_ON_CLOSE or an option juv does not know
     */
    public void open(Path path, Set<? extends OpenOption> options, int mode, FsCallback<AsyncFile> callback) {
        String p = cPath(path, "path");
        int flags = openFlags(Objects.requireNonNull(options, "options"));
        run("opening " + p, (loop, req, a) -> Uv.fsOpen(loop, req.address(), a.allocateFrom(p), flags, mode, Upcalls.FS),
                (req, fd) -> new AsyncFile(core, (int) fd, path), callback);
    }

    static int openFlags(Set<? extends OpenOption> options) {
        Platform.OpenFlags f = Platform.OPEN_FLAGS;
        boolean read = options.contains(StandardOpenOption.READ);
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean write = options.contains(StandardOpenOption.WRITE) || append;
        int flags = write ? (read ? f.readWrite() : f.writeOnly()) : f.readOnly();
        for (OpenOption o : options) {
            if (o == StandardOpenOption.READ || o == StandardOpenOption.WRITE || o == StandardOpenOption.SPARSE) continue;
            if (o == StandardOpenOption.APPEND) flags |= f.append();
            else if (o == StandardOpenOption.CREATE) flags |= write ? f.create() : 0;
            else if (o == StandardOpenOption.CREATE_NEW) flags |= write ? f.create() | f.exclusive() : 0;
            else if (o == StandardOpenOption.TRUNCATE_EXISTING) flags |= write ? f.truncate() : 0;
            else if (o == StandardOpenOption.SYNC) flags |= f.sync();
            else if (o == StandardOpenOption.DSYNC) flags |= f.dsync();
            else if (o == LinkOption.NOFOLLOW_LINKS) flags |= f.noFollow();
            else throw new UnsupportedOperationException("juv: open option " + o);
        }
        return flags;
    }

    /**
     * The whole file as bytes: open, read in blocks until a read gives 0, close (Node's
     * fs.readFile). The file is closed whatever happened.
     *
     * @param path the file
     * @return a future of its bytes; exceptionally the first error (the open's, a read's, or the close's)
     */
    public CompletableFuture<byte[]> readFile(Path path) {
        return open(path).thenCompose(file -> {
            CompletableFuture<byte[]> all = core.newFuture();
            readRest(file, new java.io.ByteArrayOutputStream(), ByteBuffer.allocate(READ_FILE_BLOCK), all);
            return closeAfter(file, all);
        });
    }

    private static final int READ_FILE_BLOCK = 256 * 1024;

    private static void readRest(AsyncFile file, java.io.ByteArrayOutputStream into, ByteBuffer block, CompletableFuture<byte[]> all) {
        block.clear();
        file.read(block, AsyncFile.CURRENT_POSITION, (n, e) -> {
            if (e != null) {
                all.completeExceptionally(e);
            } else if (n == 0) {
                all.complete(into.toByteArray());
            } else {
                into.write(block.array(), 0, n);
                readRest(file, into, block, all);
            }
        });
    }

    /**
     * Writes the bytes as the whole file, creating it (mode 0666 less the umask) or truncating it,
     * then closes it (Node's fs.writeFile). The file is closed whatever happened.
     *
     * @param path the file
     * @param data its new contents (not copied: leave them alone until the future completes)
     * @return a future that completes once every byte is written and the file closed
     */
    public CompletableFuture<Void> writeFile(Path path, byte[] data) {
        Objects.requireNonNull(data, "data");
        ByteBuffer rest = ByteBuffer.wrap(data);
        return open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)
                .thenCompose(file -> {
                    CompletableFuture<Void> all = core.newFuture();
                    writeRest(file, rest, all);
                    return closeAfter(file, all);
                });
    }

    private static void writeRest(AsyncFile file, ByteBuffer rest, CompletableFuture<Void> all) {
        if (!rest.hasRemaining()) {
            all.complete(null);
            return;
        }
        // A write may take fewer bytes than given; the buffer's position says how many it took.
        file.write(rest, AsyncFile.CURRENT_POSITION, (n, e) -> {
            if (e != null) all.completeExceptionally(e);
            else writeRest(file, rest, all);
        });
    }

    /** The result of work on a file, once the file is closed (the work's error first, else the close's). */
    private static <T> CompletableFuture<T> closeAfter(AsyncFile file, CompletableFuture<T> work) {
        return work.handle((v, e) -> file.close().handle((c, ce) -> {
            if (e != null) throw e instanceof java.util.concurrent.CompletionException ce2 ? ce2 : new java.util.concurrent.CompletionException(e);
            if (ce != null) throw new java.util.concurrent.CompletionException(ce);
            return v;
        })).thenCompose(f -> f);
    }

    /**
     * mkstemp(3): creates and opens a new file named prefix plus six random characters, readable
     * and writable by its owner only; {@link AsyncFile#path()} is its name.
     *
     * @param prefix the new file's path without the random part ({@code /tmp/app-})
     * @return a future of the open file; close (and delete) it when done
     */
    public CompletableFuture<AsyncFile> createTempFile(Path prefix) {
        return future(core, cb -> createTempFile(prefix, cb));
    }

    /**
     * mkstemp(3); the callback form.
     *
     * @param prefix   the new file's path without the random part
     * @param callback gets the open file
     */
    public void createTempFile(Path prefix, FsCallback<AsyncFile> callback) {
        String template = cPath(prefix, "prefix") + "XXXXXX";
        run("creating a file " + template, (loop, req, a) -> Uv.fsMkstemp(loop, req.address(), a.allocateFrom(template), Upcalls.FS),
                (req, fd) -> new AsyncFile(core, (int) fd, req.resultPath()), callback);
    }

    /**
     * mkdtemp(3): creates a new directory named prefix plus six random characters (mode 0700).
     *
     * @param prefix the new directory's path without the random part ({@code /tmp/app-})
     * @return a future of its path
     */
    public CompletableFuture<Path> createTempDirectory(Path prefix) {
        return future(core, cb -> createTempDirectory(prefix, cb));
    }

    /**
     * mkdtemp(3); the callback form.
     *
     * @param prefix   the new directory's path without the random part
     * @param callback gets its path
     */
    public void createTempDirectory(Path prefix, FsCallback<Path> callback) {
        String template = cPath(prefix, "prefix") + "XXXXXX";
        run("creating a directory " + template, (loop, req, a) -> Uv.fsMkdtemp(loop, req.address(), a.allocateFrom(template), Upcalls.FS),
                (req, r) -> req.resultPath(), callback);
    }

    // ------------------------------------------------------------------ status

    /**
     * stat(2), following symbolic links.
     *
     * @param path the file
     * @return a future of its status
     */
    public CompletableFuture<FileStat> stat(Path path) {
        return future(core, cb -> stat(path, cb));
    }

    /**
     * stat(2); the callback form.
     *
     * @param path     the file
     * @param callback gets its status
     */
    public void stat(Path path, FsCallback<FileStat> callback) {
        String p = cPath(path, "path");
        run("stat of " + p, (loop, req, a) -> Uv.fsStat(loop, req.address(), a.allocateFrom(p), Upcalls.FS), (req, r) -> req.stat(), callback);
    }

    /**
     * lstat(2): a symbolic link's own status.
     *
     * @param path the file or link
     * @return a future of its status
     */
    public CompletableFuture<FileStat> lstat(Path path) {
        return future(core, cb -> lstat(path, cb));
    }

    /**
     * lstat(2); the callback form.
     *
     * @param path     the file or link
     * @param callback gets its status
     */
    public void lstat(Path path, FsCallback<FileStat> callback) {
        String p = cPath(path, "path");
        run("lstat of " + p, (loop, req, a) -> Uv.fsLstat(loop, req.address(), a.allocateFrom(p), Upcalls.FS), (req, r) -> req.stat(), callback);
    }

    /**
     * statfs(2) of the file system that holds the path.
     *
     * @param path any path on it
     * @return a future of the file system's figures
     */
    public CompletableFuture<FileSystemStats> statfs(Path path) {
        return future(core, cb -> statfs(path, cb));
    }

    /**
     * statfs(2); the callback form.
     *
     * @param path     any path on the file system
     * @param callback gets the file system's figures
     */
    public void statfs(Path path, FsCallback<FileSystemStats> callback) {
        String p = cPath(path, "path");
        run("statfs of " + p, (loop, req, a) -> Uv.fsStatfs(loop, req.address(), a.allocateFrom(p), Upcalls.FS), (req, r) -> req.statfs(), callback);
    }

    /**
     * access(2): whether the process may access the file in every mode given (none: whether it exists).
     *
     * @param path  the file
     * @param modes READ, WRITE, EXECUTE
     * @return a future that completes normally if it may; exceptionally NOT_FOUND,
     *         PERMISSION_DENIED, ...
     */
    public CompletableFuture<Void> access(Path path, AccessMode... modes) {
        return future(core, cb -> access(path, Set.of(Objects.requireNonNull(modes, "modes")), cb));
    }

    /**
     * access(2); the callback form.
     *
     * @param path     the file
     * @param modes    READ, WRITE, EXECUTE; none: whether it exists
     * @param callback gets a null error if the process may
     */
    public void access(Path path, Set<AccessMode> modes, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        // R_OK, W_OK, X_OK and F_OK are 4, 2, 1 and 0 on every platform libuv runs on (libuv defines them on Windows).
        int mode = 0;
        for (AccessMode m : Objects.requireNonNull(modes, "modes")) mode |= switch (m) { case READ -> 4; case WRITE -> 2; case EXECUTE -> 1; };
        int bits = mode;
        run("access to " + p, (loop, req, a) -> Uv.fsAccess(loop, req.address(), a.allocateFrom(p), bits, Upcalls.FS), FsRequest.none(), callback);
    }

    // ------------------------------------------------------------------ names

    /**
     * rename(2): replaces to if it exists (a directory only by an empty one).
     *
     * @param from the existing name
     * @param to   the new name
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> rename(Path from, Path to) {
        return future(core, cb -> rename(from, to, cb));
    }

    /**
     * rename(2); the callback form.
     *
     * @param from     the existing name
     * @param to       the new name
     * @param callback told when it is done
     */
    public void rename(Path from, Path to, FsCallback<Void> callback) {
        String f = cPath(from, "from"), t = cPath(to, "to");
        run("renaming " + f + " to " + t, (loop, req, a) -> Uv.fsRename(loop, req.address(), a.allocateFrom(f), a.allocateFrom(t), Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * unlink(2): removes a file's name (not a directory's: see {@link #rmdir}).
     *
     * @param path the name to remove
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> unlink(Path path) {
        return future(core, cb -> unlink(path, cb));
    }

    /**
     * unlink(2); the callback form.
     *
     * @param path     the name to remove
     * @param callback told when it is done
     */
    public void unlink(Path path, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        run("unlinking " + p, (loop, req, a) -> Uv.fsUnlink(loop, req.address(), a.allocateFrom(p), Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * mkdir(2) with mode 0777 less the umask.
     *
     * @param path the new directory (its parent must exist)
     * @return a future that completes when it is made; exceptionally ALREADY_EXISTS, NOT_FOUND, ...
     */
    public CompletableFuture<Void> mkdir(Path path) {
        return mkdir(path, 0777);
    }

    /**
     * mkdir(2).
     *
     * @param path the new directory (its parent must exist)
     * @param mode its permission bits (0755), less the umask
     * @return a future that completes when it is made
     */
    public CompletableFuture<Void> mkdir(Path path, int mode) {
        return future(core, cb -> mkdir(path, mode, cb));
    }

    /**
     * mkdir(2); the callback form.
     *
     * @param path     the new directory
     * @param mode     its permission bits (0755), less the umask
     * @param callback told when it is done
     */
    public void mkdir(Path path, int mode, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        run("creating the directory " + p, (loop, req, a) -> Uv.fsMkdir(loop, req.address(), a.allocateFrom(p), mode, Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * rmdir(2): removes an empty directory.
     *
     * @param path the directory
     * @return a future that completes when it is removed; exceptionally DIRECTORY_NOT_EMPTY, ...
     */
    public CompletableFuture<Void> rmdir(Path path) {
        return future(core, cb -> rmdir(path, cb));
    }

    /**
     * rmdir(2); the callback form.
     *
     * @param path     the directory
     * @param callback told when it is done
     */
    public void rmdir(Path path, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        run("removing the directory " + p, (loop, req, a) -> Uv.fsRmdir(loop, req.address(), a.allocateFrom(p), Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * scandir(3): a directory's entries, without "." and "..", in libuv's order (sorted by name on Unix).
     *
     * @param directory the directory
     * @return a future of its entries
     */
    public CompletableFuture<List<DirEntry>> list(Path directory) {
        return future(core, cb -> list(directory, cb));
    }

    /**
     * scandir(3); the callback form.
     *
     * @param directory the directory
     * @param callback  gets its entries
     */
    public void list(Path directory, FsCallback<List<DirEntry>> callback) {
        String p = cPath(directory, "directory");
        run("listing " + p, (loop, req, a) -> Uv.fsScandir(loop, req.address(), a.allocateFrom(p), Upcalls.FS), (req, n) -> req.scandir(), callback);
    }

    /**
     * opendir(3): a directory to read a batch of entries at a time ({@link AsyncDirectory}); close it when done.
     *
     * @param directory the directory
     * @return a future of the open directory
     */
    public CompletableFuture<AsyncDirectory> openDirectory(Path directory) {
        return future(core, cb -> openDirectory(directory, cb));
    }

    /**
     * opendir(3); the callback form.
     *
     * @param directory the directory
     * @param callback  gets the open directory; close it when done
     */
    public void openDirectory(Path directory, FsCallback<AsyncDirectory> callback) {
        String p = cPath(directory, "directory");
        run("opening the directory " + p, (loop, req, a) -> Uv.fsOpendir(loop, req.address(), a.allocateFrom(p), Upcalls.FS),
                (req, r) -> new AsyncDirectory(core, directory, req.ptr()), callback);
    }

    /**
     * Copies a file's bytes and mode (uv_fs_copyfile); without EXCLUSIVE an existing destination is replaced.
     *
     * @param from  the file to copy
     * @param to    the copy
     * @param flags how to copy
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> copyFile(Path from, Path to, CopyFlag... flags) {
        return future(core, cb -> copyFile(from, to, Set.of(Objects.requireNonNull(flags, "flags")), cb));
    }

    /**
     * Copies a file's bytes and mode; the callback form.
     *
     * @param from     the file to copy
     * @param to       the copy
     * @param flags    how to copy
     * @param callback told when it is done
     */
    public void copyFile(Path from, Path to, Set<CopyFlag> flags, FsCallback<Void> callback) {
        String f = cPath(from, "from"), t = cPath(to, "to");
        int bits = 0;
        for (CopyFlag c : Objects.requireNonNull(flags, "flags")) bits |= switch (c) {
            case EXCLUSIVE -> Uv.FS_COPYFILE_EXCL;
            case CLONE -> Uv.FS_COPYFILE_FICLONE;
            case CLONE_ONLY -> Uv.FS_COPYFILE_FICLONE_FORCE;
        };
        int mode = bits;
        run("copying " + f + " to " + t, (loop, req, a) -> Uv.fsCopyfile(loop, req.address(), a.allocateFrom(f), a.allocateFrom(t), mode, Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * symlink(2): link becomes a symbolic link holding target (which need not exist).
     *
     * @param target what the link holds
     * @param link   the new link
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> symlink(Path target, Path link) {
        return future(core, cb -> symlink(target, link, cb));
    }

    /**
     * symlink(2); the callback form.
     *
     * @param target   what the link holds
     * @param link     the new link
     * @param callback told when it is done
     */
    public void symlink(Path target, Path link, FsCallback<Void> callback) {
        String t = cPath(target, "target"), l = cPath(link, "link");
        run("linking " + l + " to " + t, (loop, req, a) -> Uv.fsSymlink(loop, req.address(), a.allocateFrom(t), a.allocateFrom(l), 0, Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * link(2): a second name for an existing file.
     *
     * @param existing the file
     * @param link     its new name
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> link(Path existing, Path link) {
        return future(core, cb -> link(existing, link, cb));
    }

    /**
     * link(2); the callback form.
     *
     * @param existing the file
     * @param link     its new name
     * @param callback told when it is done
     */
    public void link(Path existing, Path link, FsCallback<Void> callback) {
        String e = cPath(existing, "existing"), l = cPath(link, "link");
        run("linking " + l + " to " + e, (loop, req, a) -> Uv.fsLink(loop, req.address(), a.allocateFrom(e), a.allocateFrom(l), Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * readlink(2): what a symbolic link holds.
     *
     * @param link the link
     * @return a future of what it holds, as it is (not resolved)
     */
    public CompletableFuture<Path> readlink(Path link) {
        return future(core, cb -> readlink(link, cb));
    }

    /**
     * readlink(2); the callback form.
     *
     * @param link     the link
     * @param callback gets what it holds
     */
    public void readlink(Path link, FsCallback<Path> callback) {
        String p = cPath(link, "link");
        run("reading the link " + p, (loop, req, a) -> Uv.fsReadlink(loop, req.address(), a.allocateFrom(p), Upcalls.FS), (req, r) -> req.ptrPath(), callback);
    }

    /**
     * realpath(3): the absolute path with every link, "." and ".." resolved.
     *
     * @param path the path
     * @return a future of the resolved path; exceptionally NOT_FOUND if any part does not exist
     */
    public CompletableFuture<Path> realpath(Path path) {
        return future(core, cb -> realpath(path, cb));
    }

    /**
     * realpath(3); the callback form.
     *
     * @param path     the path
     * @param callback gets the resolved path
     */
    public void realpath(Path path, FsCallback<Path> callback) {
        String p = cPath(path, "path");
        run("resolving " + p, (loop, req, a) -> Uv.fsRealpath(loop, req.address(), a.allocateFrom(p), Upcalls.FS), (req, r) -> req.ptrPath(), callback);
    }

    // ------------------------------------------------------------------ attributes

    /**
     * chmod(2).
     *
     * @param path the file
     * @param mode as octal bits (0644)
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> chmod(Path path, int mode) {
        return future(core, cb -> chmod(path, mode, cb));
    }

    /**
     * chmod(2); the callback form.
     *
     * @param path     the file
     * @param mode     as octal bits (0644)
     * @param callback told when it is done
     */
    public void chmod(Path path, int mode, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        run("chmod of " + p, (loop, req, a) -> Uv.fsChmod(loop, req.address(), a.allocateFrom(p), mode, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * chown(2), following symbolic links.
     *
     * @param path the file
     * @param uid  the user id, or -1 to leave it
     * @param gid  the group id, or -1 to leave it
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> chown(Path path, int uid, int gid) {
        return future(core, cb -> chown(path, uid, gid, cb));
    }

    /**
     * chown(2); the callback form.
     *
     * @param path     the file
     * @param uid      the user id, or -1 to leave it
     * @param gid      the group id, or -1 to leave it
     * @param callback told when it is done
     */
    public void chown(Path path, int uid, int gid, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        run("chown of " + p, (loop, req, a) -> Uv.fsChown(loop, req.address(), a.allocateFrom(p), uid, gid, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * lchown(2): a symbolic link's own owner.
     *
     * @param path the link
     * @param uid  the user id, or -1 to leave it
     * @param gid  the group id, or -1 to leave it
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> lchown(Path path, int uid, int gid) {
        return future(core, cb -> lchown(path, uid, gid, cb));
    }

    /**
     * lchown(2); the callback form.
     *
     * @param path     the link
     * @param uid      the user id, or -1 to leave it
     * @param gid      the group id, or -1 to leave it
     * @param callback told when it is done
     */
    public void lchown(Path path, int uid, int gid, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        run("lchown of " + p, (loop, req, a) -> Uv.fsLchown(loop, req.address(), a.allocateFrom(p), uid, gid, Upcalls.FS), FsRequest.none(), callback);
    }

    /**
     * utime(2): the access and modification times (to the microsecond or so: libuv takes seconds as a double).
     *
     * @param path         the file
     * @param accessTime   the new access time
     * @param modifiedTime the new modification time
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> setTimes(Path path, Instant accessTime, Instant modifiedTime) {
        return future(core, cb -> setTimes(path, accessTime, modifiedTime, cb));
    }

    /**
     * utime(2); the callback form.
     *
     * @param path         the file
     * @param accessTime   the new access time
     * @param modifiedTime the new modification time
     * @param callback     told when it is done
     */
    public void setTimes(Path path, Instant accessTime, Instant modifiedTime, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        double at = seconds(accessTime, "accessTime"), mt = seconds(modifiedTime, "modifiedTime");
        run("setting the times of " + p, (loop, req, a) -> Uv.fsUtime(loop, req.address(), a.allocateFrom(p), at, mt, Upcalls.FS),
                FsRequest.none(), callback);
    }

    /**
     * lutimes(3): a symbolic link's own times, not its target's.
     *
     * @param path         the link
     * @param accessTime   the new access time
     * @param modifiedTime the new modification time
     * @return a future that completes when it is done
     */
    public CompletableFuture<Void> setLinkTimes(Path path, Instant accessTime, Instant modifiedTime) {
        return future(core, cb -> setLinkTimes(path, accessTime, modifiedTime, cb));
    }

    /**
     * lutimes(3); the callback form.
     *
     * @param path         the link
     * @param accessTime   the new access time
     * @param modifiedTime the new modification time
     * @param callback     told when it is done
     */
    public void setLinkTimes(Path path, Instant accessTime, Instant modifiedTime, FsCallback<Void> callback) {
        String p = cPath(path, "path");
        double at = seconds(accessTime, "accessTime"), mt = seconds(modifiedTime, "modifiedTime");
        run("setting the times of the link " + p, (loop, req, a) -> Uv.fsLutime(loop, req.address(), a.allocateFrom(p), at, mt, Upcalls.FS),
                FsRequest.none(), callback);
    }

    // ------------------------------------------------------------------ internals

    static double seconds(Instant t, String name) {
        Objects.requireNonNull(t, name);
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** The path as libuv takes it: UTF-8, with no NUL (C would stop there and name another file). */
    private static String cPath(Path path, String name) {
        String s = Objects.requireNonNull(path, name).toString();
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("juv: a path with a NUL character");
        if (s.isEmpty()) throw new IllegalArgumentException("juv: an empty path");
        return s;
    }

    private <T> void run(String what, FsRequest.Starter starter, FsRequest.Result<T> result, FsCallback<T> callback) {
        Objects.requireNonNull(callback, "callback");
        FsRequest.start(core, what, 0, starter, result, callback, null);
    }

    /** The future form of a callback form: thrown errors (wrong thread, closed loop, bad argument) are thrown, not put in the future. */
    static <T> CompletableFuture<T> future(LoopCore core, Consumer<FsCallback<T>> op) {
        CompletableFuture<T> f = core.newFuture();
        op.accept((value, error) -> {
            if (error != null) f.completeExceptionally(error);
            else f.complete(value);
        });
        return f;
    }
}
