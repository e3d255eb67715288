package io.juv.examples;

import io.juv.EventLoop;
import io.juv.UvException;
import io.juv.fs.AsyncFile;
import io.juv.fs.FileStat;
import io.juv.fs.Fs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Copies a file with juv's asynchronous reads and writes on libuv's thread pool: 1 MiB blocks,
 * four of them in flight at once, each read at its own position and written at the same one
 * (so they may finish in any order), printing a progress line as it goes and a summary at the end.
 *
 * <pre>
 * make example NAME=copy ARGS='SRC DST'
 * cmp SRC DST                       # byte for byte the same
 * </pre>
 *
 * <p>The copy gets the source's permission bits. Exits 0 when every byte is copied, 1 when an
 * operation failed (the error is printed: {@code NOT_FOUND}, {@code PERMISSION_DENIED}, ...),
 * 2 for bad arguments.
 */
public final class Copy {

    private static final int BLOCK = 1 << 20;
    private static final int IN_FLIGHT = 4;

    private final AsyncFile in, out;
    private final long size;
    private final long startNanos = System.nanoTime();
    private long nextOffset;
    private long copied;
    private int running;
    private int lastPercent = -1;
    private final CompletableFuture<Long> done = new CompletableFuture<>();

    private Copy(AsyncFile in, AsyncFile out, long size) {
        this.in = in;
        this.out = out;
        this.size = size;
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    @Command(name = "copy", description = "Copies a file with asynchronous reads and writes on libuv's thread pool, 1 MiB blocks, 4 at once.")
    private static final class Options implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SRC", description = "the file to copy")
        Path src;
        @Parameters(index = "1", paramLabel = "DST", description = "the copy (made or overwritten), with the source's permission bits")
        Path dst;

        @Override
        public Integer call() {
            return copy(src, dst);
        }
    }

    private static int copy(Path src, Path dst) {
        int[] status = {0};
        EventLoop.start(loop -> {
            Fs fs = loop.fs();
            fs.stat(src).thenCompose(stat -> open(fs, src, dst, stat))
                    .whenComplete((bytes, error) -> {
                        if (error != null) {
                            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                            System.err.println();
                            System.err.println("copy failed: " + (e instanceof UvException u ? u.kind() + " " : "") + e.getMessage());
                            status[0] = 1;
                        }
                    });
        });
        return status[0];
    }

    private static CompletableFuture<Long> open(Fs fs, Path src, Path dst, FileStat stat) {
        if (!stat.isFile()) return CompletableFuture.failedFuture(new IllegalArgumentException(src + " is not a regular file"));
        return fs.open(src).thenCompose(in -> fs.open(dst, Set.of(WRITE, CREATE, TRUNCATE_EXISTING), stat.permissionBits())
                .exceptionallyCompose(e -> in.close().thenCompose(v -> CompletableFuture.<AsyncFile>failedFuture(e)))
                .thenCompose(out -> {
                    Copy copy = new Copy(in, out, stat.size());
                    copy.start();
                    // Both files are closed whatever happened (each once its operations are done), then the result is told.
                    return copy.done.handle((n, e) -> in.close().thenCompose(v -> out.close())
                                    .thenCompose(v -> e == null ? CompletableFuture.completedFuture(n) : CompletableFuture.<Long>failedFuture(e)))
                            .thenCompose(f -> f);
                }));
    }

    private void start() {
        if (size == 0) finish();
        for (int i = 0; i < IN_FLIGHT; i++) next(Fs.buffer(BLOCK));
    }

    /** Reads the next block into this slot's buffer, then writes it, then takes the next one. */
    private void next(MemorySegment buffer) {
        if (done.isDone() || nextOffset >= size) return;
        long offset = nextOffset;
        nextOffset += BLOCK;
        running++;
        in.read(buffer, offset, (n, error) -> {
            if (error != null) {
                fail(error);
            } else if (n == 0) {
                // The file shrank while being copied: what is left of it is copied.
                running--;
                if (running == 0) finish();
            } else {
                writeAll(buffer, offset, 0, n);
            }
        });
    }

    /** A write may take fewer bytes than given: the rest goes in another. */
    private void writeAll(MemorySegment buffer, long offset, int from, int to) {
        out.write(buffer.asSlice(from, to - from), offset + from, (n, error) -> {
            if (error != null) {
                fail(error);
            } else if (from + n < to) {
                writeAll(buffer, offset, from + n, to);
            } else {
                copied += to;
                running--;
                progress();
                if (nextOffset < size) next(buffer);
                else if (running == 0) finish();
            }
        });
    }

    private void progress() {
        int percent = size == 0 ? 100 : (int) (copied * 100 / size);
        if (percent == lastPercent) return;
        lastPercent = percent;
        System.out.printf("\rcopied %d of %d MiB (%d%%)", copied >> 20, size >> 20, percent);
        System.out.flush();
    }

    private void finish() {
        if (done.isDone()) return;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%ncopied %d bytes in %.3f s (%.1f MiB/s)%n", copied, seconds, copied / seconds / (1 << 20));
        done.complete(copied);
    }

    private void fail(UvException error) {
        running--;
        done.completeExceptionally(error);
    }
}
