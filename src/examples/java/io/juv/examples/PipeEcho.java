package io.juv.examples;

import io.juv.ErrorKind;
import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.net.Pipe;
import io.juv.net.PipeHandler;
import io.juv.net.PipeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

/**
 * A pipe echo server: every byte a client sends on the Unix domain socket comes back. It prints
 * where it listens; SIGINT (Ctrl-C) closes it and its connections, libuv removes the socket file,
 * and the program exits.
 *
 * <pre>
 * make example NAME=pipe-echo ARGS='--path /tmp/x.sock'
 * socat - UNIX-CONNECT:/tmp/x.sock        # in another terminal: each line typed comes back
 * </pre>
 *
 * <pre>
 * --path P   the socket's path (default /tmp/juv-echo.sock); on Linux "@name" listens on the
 *            abstract name "\0name" instead (libuv 1.46+; socat - ABSTRACT-CONNECT:name)
 * </pre>
 * Exits 1 when something is at the path already (a stale socket file: remove it) or it cannot listen.
 */
@Command(name = "pipe-echo", description = "A pipe echo server on a Unix domain socket; SIGINT closes it and removes the socket file.")
public final class PipeEcho implements Callable<Integer> {

    @Option(names = "--path", paramLabel = "P", description = "the socket's path (default: ${DEFAULT-VALUE}); on Linux \"@name\" "
            + "listens on the abstract name \"\\0name\" instead (libuv 1.46+)")
    private String path = "/tmp/juv-echo.sock";

    private PipeEcho() {}

    public static void main(String[] args) {
        Cli.runAndExit(new PipeEcho(), args);
    }

    @Override
    public Integer call() {
        String name = path.startsWith("@") ? "\0" + path.substring(1) : path;
        String shown = path;
        boolean[] listening = {false};
        EventLoop.start(loop -> {
            PipeServer server;
            try {
                server = loop.listenPipe(name, new Echo());
            } catch (UvException e) {
                System.err.println(e.kind() == ErrorKind.ADDRESS_IN_USE
                        ? "something is at " + shown + " already (a stale socket file? remove it): " + e.getMessage()
                        : "cannot listen on " + shown + ": " + e.getMessage());
                return;
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                System.err.println(e.getMessage());
                return;
            }
            listening[0] = true;
            loop.onSignal(Signal.INT, sig -> {
                loop.freeSignal(Signal.INT);
                System.out.println("SIGINT: closing " + server.acceptedCount() + " connection(s) served");
                loop.exit(); // closes the server (its socket file goes with it) and every connection
            });
            System.out.println("juv pipe echo server listening on " + shown + " (libuv " + EventLoop.libuvVersion() + ")");
        });
        if (!listening[0]) return 1;
        System.out.println("pipe echo server exited.");
        return 0;
    }

    private static final class Echo implements PipeHandler {
        @Override
        public void onData(Pipe pipe, ByteBuffer data) {
            // The read view is valid only during this call: write copies what the kernel does not take at once.
            if (!pipe.write(data)) pipe.pause();
        }

        @Override
        public void onDrain(Pipe pipe) {
            pipe.resume();
        }
    }
}
