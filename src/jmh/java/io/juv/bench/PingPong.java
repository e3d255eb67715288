package io.juv.bench;

import io.juv.EventLoop;
import io.juv.examples.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * What juv's echo programs share with their C counterparts in native/: the command line
 * ({@code --size S --messages M --warmup W}), a message in native memory, the clock that starts
 * after the warm-up, and the one output line the harness parses:
 * {@code messages=M bytes=B seconds=T msgs_per_s=.. bytes_per_s=..}. A subclass sets up its echo
 * pair in {@link #run} and calls {@link #cameBack()} each time a whole message returned.
 */
abstract class PingPong {

    final int size;
    final long warmup;
    final long messages;
    /** Never changes, so the kernel may take it from where it is. */
    final MemorySegment message;
    private long done;
    private long startNs;
    private long endNs;

    /** The command line: message size, messages not timed, messages timed. */
    record Args(int size, long warmup, long messages) {}

    PingPong(Args a) {
        this.size = a.size();
        this.warmup = a.warmup();
        this.messages = a.messages();
        this.message = Arena.global().allocate(size);
        message.fill((byte) 'x');
    }

    /** Starts the echo pair on the loop; the loop ends when the last message came back. */
    abstract void run(EventLoop loop);

    /** One message came back whole: false when it was the last, and the caller stops. */
    final boolean cameBack() {
        if (++done == warmup) startNs = System.nanoTime();
        if (done < warmup + messages) return true;
        endNs = System.nanoTime();
        return false;
    }

    /**
     * Parses the command line, runs the program and prints its line (exit status 1 if messages were lost);
     * {@code name} and {@code description} are what its {@code --help} says.
     */
    static void main(String name, String description, String[] args, int defaultSize, Function<Args, PingPong> make) {
        CommandLine cl = Cli.of(new Tool(defaultSize, make)).setCommandName(name);
        cl.getCommandSpec().usageMessage().description(description + ": an echo ping-pong on one loop, timed after the warm-up; "
                + "prints messages=M bytes=B seconds=T msgs_per_s=.. bytes_per_s=.. (the C program's line).");
        Cli.runAndExit(cl, args);
    }

    @Command
    private static final class Tool implements Callable<Integer> {
        @Option(names = "--size", paramLabel = "S", description = "message size in bytes (default: ${DEFAULT-VALUE})")
        int size;
        @Option(names = "--messages", paramLabel = "M", description = "messages timed (default: ${DEFAULT-VALUE})")
        long messages = 200_000;
        @Option(names = "--warmup", paramLabel = "W", description = "messages before the clock starts (default: as many as --messages)")
        long warmup = -1;
        private final Function<Args, PingPong> make;

        Tool(int defaultSize, Function<Args, PingPong> make) {
            this.size = defaultSize;
            this.make = make;
        }

        @Override
        public Integer call() {
            if (size < 1) throw Cli.usage("--size must be at least 1: " + size);
            if (messages < 1) throw Cli.usage("--messages must be at least 1: " + messages);
            PingPong p = make.apply(new Args(size, warmup < 0 ? messages : warmup, messages));
            EventLoop.start(p::run);
            if (p.done != p.warmup + p.messages) {
                System.err.println("only " + p.done + " messages echoed");
                return 1;
            }
            double seconds = (p.endNs - p.startNs) / 1e9;
            System.out.printf("messages=%d bytes=%d seconds=%.3f msgs_per_s=%.0f bytes_per_s=%.0f%n",
                    p.messages, p.messages * p.size, seconds, p.messages / seconds, p.messages * p.size / seconds);
            return 0;
        }
    }
}
