package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.fs.AsyncFile;
import io.juv.fs.FileWatcher;
import io.juv.fs.Fs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * {@code tail -f} on juv: prints what a file holds from its end (or, with {@code --from-start},
 * all of it), then follows it as it grows. A watcher ({@code uv_fs_event}) says when the file
 * changed; positional reads on the thread pool fetch what was appended since the last one, so the
 * file's own offset is never shared. One read is in flight at a time: a change that arrives during
 * a read only marks that another is due.
 *
 * <pre>
 * make example NAME=tail ARGS='/var/log/some.log'
 * make example NAME=tail ARGS='--from-start FILE'
 * </pre>
 *
 * <p>Prints {@code following PATH from byte N} to stderr once it follows. A file that shrinks
 * (truncated or rotated in place) is read again from its new end. SIGINT stops it, exiting 0; a
 * file that cannot be opened exits 1, bad arguments 2.
 */
public final class Tail {

    private static final int BLOCK = 64 * 1024;

    private final AsyncFile file;
    private final ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
    private final WritableByteChannel out = Channels.newChannel(System.out);
    private long position;
    private boolean reading;
    private boolean again;

    private Tail(AsyncFile file, long position) {
        this.file = file;
        this.position = position;
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Options(), args);
    }

    @Command(name = "tail", description = "tail -f: prints a file from its end (or all of it) and follows it as it grows; SIGINT stops it.")
    private static final class Options implements Callable<Integer> {
        @Option(names = "--from-start", description = "print all the file holds first, not only what is appended")
        boolean fromStart;
        @Parameters(paramLabel = "FILE", description = "the file to follow")
        Path file;

        @Override
        public Integer call() {
            return follow(file.toAbsolutePath(), fromStart);
        }
    }

    private static int follow(Path path, boolean fromStart) {
        int[] status = {0};
        EventLoop.start(loop -> {
            Fs fs = loop.fs();
            fs.open(path, StandardOpenOption.READ).thenCompose(file -> file.stat().thenAccept(stat -> {
                Tail tail = new Tail(file, fromStart ? 0 : stat.size());
                FileWatcher watcher = loop.watch(path, (w, name, events) -> tail.readMore());
                loop.onSignal(Signal.INT, sig -> {
                    watcher.close();
                    file.close();
                    loop.exit();
                });
                System.err.println("following " + path + " from byte " + tail.position);
                tail.readMore();
            })).exceptionally(failure -> {
                Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
                System.err.println("cannot follow " + path + ": "
                        + (cause instanceof UvException e ? e.kind() + " " + e.getMessage() : cause));
                status[0] = 1;
                loop.exit();
                return null;
            });
        });
        return status[0];
    }

    /** Reads from the last position to the end, a block at a time; a change during a read asks for one more round. */
    private void readMore() {
        if (reading) {
            again = true;
            return;
        }
        reading = true;
        again = false;
        buffer.clear();
        file.read(buffer, position, (n, error) -> {
            reading = false;
            if (error != null) {
                if (file.isClosed()) return; // SIGINT closed it under the read
                System.err.println("read failed: " + error.getMessage());
                return;
            }
            if (n > 0) {
                position += n;
                print(buffer.flip());
                readMore(); // more may follow at once: read until the end
            } else {
                checkShrunk();
            }
        });
    }

    /** At the end: a file now shorter than what was read was truncated; start again at its end. */
    private void checkShrunk() {
        file.stat().thenAccept(stat -> {
            if (stat.size() < position) {
                System.err.println("file truncated: following from byte " + stat.size());
                position = stat.size();
            }
            if (again) readMore();
        });
    }

    private void print(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) out.write(bytes);
            System.out.flush();
        } catch (java.io.IOException e) {
            System.exit(0); // stdout closed (a pipe to head): nothing left to do
        }
    }
}
