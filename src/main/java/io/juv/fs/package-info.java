/**
 * The file system, asynchronously, on one juv event loop: libuv's {@code uv_fs_*} operations on
 * its thread pool, and watching paths for changes.
 *
 * <h2>The types</h2>
 * <ul>
 *   <li>{@link io.juv.fs.Fs} ({@code loop.fs()}): operations on paths (open, read and write a
 *       whole file, stat, rename, links, directories, permissions, times, temporary files).</li>
 *   <li>{@link io.juv.fs.AsyncFile}: an open file (reads and writes at a position or at the
 *       file's own, scatter and gather, sync, truncate, sendfile), and
 *       {@link io.juv.fs.AsyncDirectory}: an open directory read a batch at a time.</li>
 *   <li>{@link io.juv.fs.FileWatcher} ({@code loop.watch}): the system's change notification
 *       (inotify, FSEvents, ReadDirectoryChangesW), and {@link io.juv.fs.StatPoller}
 *       ({@code loop.pollStat}): a stat at an interval, for what notification cannot see.</li>
 *   <li>Results are plain Java values that refer to no native memory: {@link io.juv.fs.FileStat},
 *       {@link io.juv.fs.FileSystemStats}, {@link io.juv.fs.DirEntry}.</li>
 * </ul>
 *
 * <p>Every operation has two forms: one that takes an {@link io.juv.fs.FsCallback} and one that
 * returns a {@link java.util.concurrent.CompletableFuture}. Both complete on the loop's thread;
 * a failure is a {@link io.juv.UvException} with libuv's error name and an
 * {@link io.juv.ErrorKind} ({@code NOT_FOUND}, {@code PERMISSION_DENIED}, {@code ALREADY_EXISTS},
 * ...), given to the callback or completing the future exceptionally. Bad arguments (a path with
 * a NUL character, a negative position) throw at the call.
 *
 * <pre>{@code
 * Fs fs = loop.fs();
 * fs.writeFile(Path.of("/tmp/hello.txt"), "hello\n".getBytes(StandardCharsets.UTF_8))
 *         .thenCompose(done -> fs.readFile(Path.of("/tmp/hello.txt")))
 *         .thenAccept(bytes -> System.out.print(new String(bytes, StandardCharsets.UTF_8)));
 *
 * FileWatcher watcher = loop.watch(Path.of("/tmp"), (w, name, events) ->
 *         System.out.println(name + " " + events)); // until watcher.close()
 * }</pre>
 *
 * <h2>Threads and closing</h2>
 * Every method is called on the loop's thread (off it: {@link WrongThreadException}; on a closed
 * loop: {@link IllegalStateException}), and every callback and future completes there. A pending
 * operation keeps the loop running. The pool is libuv's, shared with DNS and queued work; its size
 * is {@link io.juv.EventLoop#threadPoolSize(int)}. An {@link io.juv.fs.AsyncFile} or
 * {@link io.juv.fs.AsyncDirectory} is no libuv handle: the loop's closing does not close it, so
 * close it yourself; once closed it refuses every operation with
 * {@link io.juv.ErrorKind#FILE_CLOSED}, and its descriptor closes when the operations under way
 * are done. Watchers and pollers are handles: they close with the loop, and once closed report
 * nothing more.
 */
package io.juv.fs;
