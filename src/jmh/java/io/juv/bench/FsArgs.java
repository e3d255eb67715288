package io.juv.bench;

import io.juv.examples.Cli;
import picocli.CommandLine.Option;

/**
 * The command line and output line juv's and java.nio's file programs share with native/fs_bench.c:
 * a picocli mixin ({@code @Mixin FsArgs args = new FsArgs()}); {@link #check()} before use.
 */
final class FsArgs {

    enum Mode { READ, STAT }

    @Option(names = "--mode", paramLabel = "read|stat",
            description = "reads of --block bytes at successive offsets, or stats of the file (default: read)")
    private Mode mode = Mode.READ;
    @Option(names = "--file", paramLabel = "F", required = true, description = "the file")
    private String file;
    @Option(names = "--block", paramLabel = "B", description = "bytes per read (default: ${DEFAULT-VALUE})")
    private int block = 1 << 20;
    @Option(names = "--in-flight", paramLabel = "N", description = "operations at once (default: ${DEFAULT-VALUE})")
    private int inFlight = 4;
    @Option(names = "--seconds", paramLabel = "S", description = "seconds measured (default: ${DEFAULT-VALUE})")
    private double seconds = 5;
    @Option(names = "--warmup", paramLabel = "S", description = "seconds before the measuring starts (default: as many as --seconds)")
    private double warmup = -1;

    /** Refuses values the programs cannot run with (a usage error, exit status 2). */
    FsArgs check() {
        if (block < 1) throw Cli.usage("--block must be at least 1: " + block);
        if (inFlight < 1) throw Cli.usage("--in-flight must be at least 1: " + inFlight);
        if (!(seconds > 0)) throw Cli.usage("--seconds must be positive: " + seconds);
        return this;
    }

    boolean read() {
        return mode == Mode.READ;
    }

    String file() {
        return file;
    }

    int block() {
        return block;
    }

    int inFlight() {
        return inFlight;
    }

    double seconds() {
        return seconds;
    }

    double warmup() {
        return warmup < 0 ? seconds : warmup;
    }

    static void print(long ops, long bytes, double seconds) {
        System.out.printf("ops=%d bytes=%d seconds=%.3f ops_per_s=%.0f bytes_per_s=%.0f%n",
                ops, bytes, seconds, ops / seconds, bytes / seconds);
    }
}
