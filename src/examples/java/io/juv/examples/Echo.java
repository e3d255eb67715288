package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

/**
 * A TCP echo server: every byte a client sends comes back to it, until it closes.
 *
 * <pre>
 * make example NAME=echo ARGS='--port 7000'
 * socat - TCP:127.0.0.1:7000        # or: nc 127.0.0.1 7000
 * </pre>
 *
 * <p>A client that sends faster than it reads gets backpressure rather than a growing queue:
 * when its socket stops being {@link TcpSocket#writable() writable}, the server stops reading
 * from it until the queued echo drains ({@link SocketHandler#onDrain}), so the kernel's buffers
 * fill and TCP slows the client down. A client's end of stream ends the echo once everything
 * is written back (socat and {@code nc -N} send it when their input ends). SIGINT (Ctrl-C)
 * closes the server and every connection, and the program exits.
 *
 * <pre>
 * --host ADDR   bind address (default 127.0.0.1; 0.0.0.0 or :: for every interface)
 * --port N      port (default 7000; 0 lets the system choose)
 * </pre>
 */
@Command(name = "echo", description = "A TCP echo server: every byte a client sends comes back to it; SIGINT closes it.")
public final class Echo implements Callable<Integer> {

    @Mixin
    private HostPort at = new HostPort("127.0.0.1", 7000);

    private Echo() {}

    public static void main(String[] args) {
        Cli.runAndExit(new Echo(), args);
    }

    @Override
    public Integer call() {
        EventLoop.start(loop -> {
            TcpServer server = loop.listen(at.host(), at.port(), new SocketHandler() {
                @Override public void onData(TcpSocket s, ByteBuffer data) {
                    // The view is the loop's read buffer; write copies what the kernel does not take at once.
                    if (!s.write(data)) s.pause();
                }

                @Override public void onDrain(TcpSocket s) {
                    s.resume();
                }
            });
            // After the listen, so that a port in use ends the program with its error on one line (Cli):
            // from here on one client's failure (a handler bug, say) must not end the others' echo.
            loop.catchErrors(true);
            loop.onSignal(Signal.INT, sig -> {
                System.out.println("SIGINT: closing");
                server.close();
                loop.exit(); // every connection and the signal handler too
            });
            System.out.println("echo server listening on " + server.address().getAddress().getHostAddress() + ":" + server.port());
        });
        System.out.println("echo server exited");
        return 0;
    }
}
