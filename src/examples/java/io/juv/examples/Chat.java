package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.UvException;
import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A line-based chat server, the classic libuv example: each complete line a client sends goes to
 * every other client, prefixed with the sender's name; joins and leaves are announced.
 *
 * <pre>
 * make example NAME=chat ARGS='--port 7001'
 * nc 127.0.0.1 7001                  # in two or more terminals; or: socat - TCP:127.0.0.1:7001
 * </pre>
 *
 * <p>A line is what ends in a newline ({@code \r\n} too): the bytes of one may arrive in several
 * reads, and one read may hold several lines, so each client's unfinished line is kept until its
 * end arrives. A line longer than {@value #MAX_LINE} bytes ends that client's connection.
 *
 * <p><b>Slow clients are dropped.</b> A chat server cannot wait for its slowest reader, and
 * queueing everything for it would let one client that stops reading grow the server's memory
 * without bound. So when a message is due to a client whose socket is no longer
 * {@link TcpSocket#writable() writable} (more than the high water mark, 64 KiB, is queued for
 * it), the client is disconnected at once, what was queued for it is dropped, and the others are
 * told. Memory per client is so bounded by the high water mark plus one message plus one
 * unfinished line.
 *
 * <p>SIGINT (Ctrl-C) tells every client the server is going, closes their connections once what
 * is queued for them is written (or after two seconds, whichever is first) and exits.
 *
 * <pre>
 * --host ADDR   bind address (default 127.0.0.1; 0.0.0.0 or :: for every interface)
 * --port N      port (default 7001; 0 lets the system choose)
 * </pre>
 */
@Command(name = "chat", description = "A line-based chat server: each line a client sends goes to every other client. "
        + "Slow readers are dropped; SIGINT tells everyone and closes.")
public final class Chat implements Callable<Integer> {

    @Mixin
    private HostPort at = new HostPort("127.0.0.1", 7001);

    /** The longest line a client may send, in bytes. */
    static final int MAX_LINE = 4096;

    private final Map<TcpSocket, Client> clients = new LinkedHashMap<>();
    private int joined;
    private boolean closing;

    private Chat() {}

    /** One connected client: its name, and the line it has not finished yet. */
    private static final class Client {
        final String name;
        final ByteArrayOutputStream unfinished = new ByteArrayOutputStream();
        String leaving = "left";

        Client(String name) {
            this.name = name;
        }
    }

    public static void main(String[] args) {
        Cli.runAndExit(new Chat(), args);
    }

    @Override
    public Integer call() {
        EventLoop.start(loop -> serve(loop, at.host(), at.port()));
        System.out.println("chat server exited");
        return 0;
    }

    private void serve(EventLoop loop, String host, int port) {
        TcpServer server = loop.listen(host, port, new SocketHandler() {
            @Override public void onConnect(TcpSocket s) { join(s); }
            @Override public void onData(TcpSocket s, ByteBuffer data) { read(s, data); }
            @Override public void onError(TcpSocket s, UvException e) {
                Client c = clients.get(s);
                if (c != null) c.leaving = "left (" + e.errorName() + ")";
            }
            @Override public void onClose(TcpSocket s) { leave(s); }
        });
        // After the listen, so that a port in use ends the program with its error on one line (Cli):
        // from here on one client's trouble (a handler bug, say) must not end everyone's chat.
        loop.catchErrors(true);
        loop.onSignal(Signal.INT, sig -> {
            System.out.println("SIGINT: closing");
            loop.freeSignal(Signal.INT);
            closing = true;
            server.close();
            for (TcpSocket s : List.copyOf(clients.keySet())) {
                s.write("* the server is shutting down\n");
                s.close(); // after what is queued for it
            }
            // A client that reads nothing would hold its graceful close open for ever; unreferenced,
            // this timer does not keep the loop running once every client has gone.
            loop.delay(Duration.ofSeconds(2), loop::exit).unref();
        });
        System.out.println("chat server listening on " + server.address().getAddress().getHostAddress() + ":" + server.port());
    }

    private void join(TcpSocket s) {
        InetSocketAddress from;
        try {
            from = s.remoteAddress();
        } catch (UvException gone) {
            s.closeNow(); // it reset before it was accepted: nobody to welcome, nothing to tell the others
            return;
        }
        Client c = new Client("guest" + (++joined));
        int others = clients.size();
        clients.put(s, c);
        s.write("* welcome, " + c.name + "; " + others + (others == 1 ? " other" : " others") + " here\n");
        broadcast(s, "* " + c.name + " (" + from.getAddress().getHostAddress() + ":" + from.getPort() + ") joined\n");
    }

    private void leave(TcpSocket s) {
        Client c = clients.remove(s);
        if (c != null && !closing) broadcast(null, "* " + c.name + " " + c.leaving + "\n");
    }

    /** Splits what arrived into lines; the bytes after the last newline wait for the rest of their line. */
    private void read(TcpSocket s, ByteBuffer data) {
        Client c = clients.get(s);
        if (c == null || closing) return;
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b != '\n') {
                c.unfinished.write(b);
                if (c.unfinished.size() > MAX_LINE) {
                    c.leaving = "left (a line longer than " + MAX_LINE + " bytes)";
                    s.write("* line too long: at most " + MAX_LINE + " bytes\n");
                    s.close();
                    return;
                }
                continue;
            }
            byte[] line = c.unfinished.toByteArray();
            c.unfinished.reset();
            int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
            ByteArrayOutputStream message = new ByteArrayOutputStream(c.name.length() + 3 + n);
            message.writeBytes((c.name + ": ").getBytes(StandardCharsets.UTF_8));
            message.write(line, 0, n);
            message.write('\n');
            broadcast(s, message.toByteArray());
            if (s.isClosed()) return;
        }
    }

    private void broadcast(TcpSocket from, String text) {
        broadcast(from, text.getBytes(StandardCharsets.UTF_8));
    }

    /** To every client but the sender; one that cannot keep up is dropped (see the class's comment). */
    private void broadcast(TcpSocket from, byte[] message) {
        for (Map.Entry<TcpSocket, Client> e : List.copyOf(clients.entrySet())) {
            TcpSocket to = e.getKey();
            if (to == from || to.isClosed()) continue;
            if (!to.writable()) {
                e.getValue().leaving = "was dropped (not reading fast enough)";
                to.closeNow(); // its onClose tells the others
                continue;
            }
            to.write(message);
        }
    }
}
