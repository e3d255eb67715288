package io.juv.bench;

import io.juv.examples.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * native/fs_bench.c's work with java.nio.file on virtual threads, at the same concurrency: one
 * virtual thread per operation in flight, each reading its block with {@code FileChannel.read(dst,
 * position)} into a direct buffer of its own (or reading the file's attributes, a stat), until
 * told to stop. The counts are taken after the warm-up and at the end, as C's. Prints C's line.
 *
 * <pre>--mode read|stat --file F --block B (1 MiB) --in-flight N (4) --seconds S (5) --warmup S (S)</pre>
 */
@Command(name = "NioFsProgram", description = "native/fs_bench.c's work with java.nio.file on virtual threads, at the same concurrency; "
        + "prints C's line.")
public final class NioFsProgram implements Callable<Integer> {

    @Mixin
    private FsArgs args = new FsArgs();

    private NioFsProgram() {}

    public static void main(String[] argv) {
        Cli.runAndExit(new NioFsProgram(), argv);
    }

    @Override
    public Integer call() throws Exception {
        FsArgs a = args.check();
        Path path = Path.of(a.file());
        long size = Files.size(path);
        AtomicLong ops = new AtomicLong(), bytes = new AtomicLong(), next = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (FileChannel channel = a.read() ? FileChannel.open(path, StandardOpenOption.READ) : null) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < a.inFlight(); i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    ByteBuffer buffer = a.read() ? ByteBuffer.allocateDirect(a.block()) : null;
                    try {
                        while (!stop.get()) {
                            if (a.read()) {
                                long at = next.getAndUpdate(o -> o + a.block() >= size ? 0 : o + a.block());
                                buffer.clear();
                                bytes.addAndGet(channel.read(buffer, at));
                            } else {
                                Files.readAttributes(path, BasicFileAttributes.class);
                            }
                            ops.incrementAndGet();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            Thread.sleep((long) (a.warmup() * 1000));
            long o0 = ops.get(), b0 = bytes.get(), t0 = System.nanoTime();
            Thread.sleep((long) (a.seconds() * 1000));
            long o1 = ops.get(), b1 = bytes.get(), t1 = System.nanoTime();
            stop.set(true);
            for (Thread t : threads) t.join();
            FsArgs.print(o1 - o0, b1 - b0, (t1 - t0) / 1e9);
        }
        return 0;
    }
}
