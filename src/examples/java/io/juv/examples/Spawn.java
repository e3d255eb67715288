package io.juv.examples;

import io.juv.EventLoop;
import io.juv.UvException;
import io.juv.net.Pipe;
import io.juv.process.Process;
import io.juv.process.ProcessExit;
import io.juv.process.ProcessOptions;
import io.juv.process.Stdio;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs a program as a child of a juv loop: its stdout comes through as it is written, its stderr
 * line by line on this program's stderr, each line marked {@code [stderr] }, and once the child
 * has exited and both its pipes have ended, how it ended.
 *
 * <pre>
 * make example NAME=spawn ARGS='ls -l /'
 * make example NAME=spawn ARGS='sh -c "echo out; echo err >&amp;2; exit 3"'
 * </pre>
 *
 * <p>The child's stdin is this program's. Exits with the child's status (128 + the signal's number
 * when a signal ended it), 127 when the program could not be started, 2 without a program.
 */
@Command(name = "spawn", description = "Runs a program as a child of a juv loop: its stdout as it comes, its stderr line by line "
        + "marked [stderr], then how it ended. Exits with the child's status.")
public final class Spawn implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PROGRAM [ARGUMENT...]", description = "the program and its arguments")
    private List<String> command;

    private Spawn() {}

    public static void main(String[] args) {
        // Everything from the program's name on is the program's: `spawn ls -l /` passes -l to ls.
        Cli.runAndExit(Cli.of(new Spawn()).setStopAtPositional(true), args);
    }

    @Override
    public Integer call() {
        String[] args = command.toArray(String[]::new);
        int[] status = {0};
        EventLoop.start(loop -> {
            StderrLines stderr = new StderrLines(System.err);
            Process child;
            try {
                child = loop.spawn(ProcessOptions.builder(args)
                        .stdin(Stdio.inherit())
                        .stdout(Stdio.pipe(Spawn::copyToStdout))
                        .stderr(Stdio.pipe(stderr))
                        .build());
            } catch (UvException e) {
                System.err.println("cannot run " + args[0] + ": " + e.kind() + " " + e.getMessage());
                status[0] = 127;
                return;
            }
            // finished, not exited: the exit may be seen before the last of the output is read.
            child.finished().thenAccept(exit -> {
                stderr.flush();
                System.out.flush();
                System.out.println(Arrays.asList(args) + ": " + exit);
                status[0] = exitCode(exit);
            });
        });
        return status[0];
    }

    private static void copyToStdout(Pipe pipe, ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes); // the view is valid only during this call
        System.out.write(bytes, 0, bytes.length);
        System.out.flush();
    }

    private static int exitCode(ProcessExit exit) {
        return exit.signalNumber() != 0 ? 128 + exit.signalNumber() : (int) exit.status();
    }

    /** The child's stderr, cut into lines (a read may end mid-line), each printed with its mark. */
    private static final class StderrLines implements io.juv.StreamHandler<Pipe> {
        private final PrintStream to;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        StderrLines(PrintStream to) {
            this.to = to;
        }

        @Override
        public void onData(Pipe pipe, ByteBuffer data) {
            while (data.hasRemaining()) {
                byte b = data.get();
                if (b == '\n') flush();
                else line.write(b);
            }
        }

        @Override
        public void onEnd(Pipe pipe) {
            flush();
        }

        void flush() {
            if (line.size() == 0) return;
            to.println("[stderr] " + line.toString(java.nio.charset.StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
