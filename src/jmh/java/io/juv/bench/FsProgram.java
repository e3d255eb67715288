package io.juv.bench;

import io.juv.EventLoop;
import io.juv.examples.Cli;
import io.juv.fs.AsyncFile;
import io.juv.fs.Fs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * native/fs_bench.c on juv, line for line: one loop, {@code --in-flight} file operations at once,
 * each starting the next from its callback; reads of {@code --block} bytes at successive offsets
 * (wrapping at the end of the file), or stats of it. Reads go into {@link Fs#buffer} memory,
 * which libuv fills in place as C's malloc'd buffers; {@code --heap} reads into heap ByteBuffers
 * instead, which juv reads through a copy. Prints C's line:
 * {@code ops=N bytes=B seconds=T ops_per_s=.. bytes_per_s=..}.
 *
 * <pre>--mode read|stat --file F --block B (1 MiB) --in-flight N (4) --seconds S (5) --warmup S (S) [--heap]</pre>
 */
public final class FsProgram {

    final FsArgs args;
    private final boolean heap;
    private Fs fs;
    private AsyncFile file;
    private long fileSize;
    private long nextOffset;
    private long startNs, timedNs, endNs;
    private long ops, timedOps, bytes, timedBytes;

    private FsProgram(FsArgs args, boolean heap) {
        this.args = args;
        this.heap = heap;
    }

    public static void main(String[] argv) {
        Cli.runAndExit(new Options(), argv);
    }

    @Command(name = "FsProgram", description = "native/fs_bench.c on juv: --in-flight file operations at once on libuv's thread pool; "
            + "prints ops=N bytes=B seconds=T ops_per_s=.. bytes_per_s=.. (C's line).")
    private static final class Options implements Callable<Integer> {
        @Mixin
        FsArgs args = new FsArgs();
        @Option(names = "--heap", description = "read into heap ByteBuffers (juv reads through a copy), not native memory")
        boolean heap;

        @Override
        public Integer call() {
            FsProgram p = new FsProgram(args.check(), heap);
            EventLoop.start(p::run);
            p.print();
            return 0;
        }
    }

    private void run(EventLoop loop) {
        fs = loop.fs();
        Path path = Path.of(args.file());
        fs.stat(path).thenCompose(s -> {
            fileSize = s.size();
            return args.read() ? fs.open(path) : java.util.concurrent.CompletableFuture.completedFuture(null);
        }).thenAccept(f -> {
            file = f;
            startNs = System.nanoTime();
            for (int i = 0; i < args.inFlight(); i++) {
                if (!args.read()) stat(path);
                else if (heap) read(ByteBuffer.allocate(args.block()));
                else read(Fs.buffer(args.block()));
            }
        }).exceptionally(e -> {
            e.printStackTrace();
            System.exit(1);
            return null;
        });
    }

    /** Counts one completed operation; false when the timed seconds are over and no new one starts. */
    private boolean completed(long n) {
        long now = System.nanoTime();
        if (timedNs == 0 && now - startNs >= (long) (args.warmup() * 1e9)) {
            timedNs = now;
            timedOps = ops;
            timedBytes = bytes;
        }
        ops++;
        bytes += n;
        if (timedNs != 0 && now - timedNs >= (long) (args.seconds() * 1e9)) {
            if (endNs == 0) {
                endNs = now;
                if (file != null) file.close();
            }
            return false;
        }
        return true;
    }

    private long offset() {
        if (nextOffset >= fileSize) nextOffset = 0;
        long at = nextOffset;
        nextOffset += args.block();
        return at;
    }

    private void read(MemorySegment buffer) {
        file.read(buffer, offset(), (n, e) -> {
            if (e != null) throw e;
            if (completed(n)) read(buffer);
        });
    }

    private void read(ByteBuffer buffer) {
        buffer.clear();
        file.read(buffer, offset(), (n, e) -> {
            if (e != null) throw e;
            if (completed(n)) read(buffer);
        });
    }

    private void stat(Path path) {
        fs.stat(path, (s, e) -> {
            if (e != null) throw e;
            if (completed(0)) stat(path);
        });
    }

    private void print() {
        FsArgs.print(ops - timedOps, bytes - timedBytes, (endNs - timedNs) / 1e9);
    }
}
