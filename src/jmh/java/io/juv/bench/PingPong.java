package io.juv.bench;

import io.juv.EventLoop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

    /** Parses the command line, runs the program and prints its line (exit status 1 if messages were lost). */
    static void main(String[] args, int defaultSize, Function<Args, PingPong> make) {
        int size = defaultSize;
        long messages = 200_000, warmup = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("options: --size S --messages M --warmup W");
                    System.exit(2);
                }
            }
        }
        PingPong p = make.apply(new Args(size, warmup < 0 ? messages : warmup, messages));
        EventLoop.start(p::run);
        if (p.done != p.warmup + p.messages) {
            System.err.println("only " + p.done + " messages echoed");
            System.exit(1);
        }
        double seconds = (p.endNs - p.startNs) / 1e9;
        System.out.printf("messages=%d bytes=%d seconds=%.3f msgs_per_s=%.0f bytes_per_s=%.0f%n",
                p.messages, p.messages * p.size, seconds, p.messages / seconds, p.messages * p.size / seconds);
    }
}
