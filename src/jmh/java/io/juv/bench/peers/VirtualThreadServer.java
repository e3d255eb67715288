package io.juv.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;

/**
 * juv's seed server with blocking sockets on virtual threads: a blocking {@link ServerSocket}
 * accept loop in one virtual thread, one virtual thread per connection with the socket's streams.
 *
 * <p><b>One carrier thread.</b> Run it with
 * {@code -Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1};
 * main sets both itself when they are not given, before the first virtual thread exists (the
 * scheduler reads them once, when it is created). The JDK's I/O poller and timer threads are its own.
 *
 * <p>The delay: a blocking read with SO_TIMEOUT set to what is left of the delay. For a virtual
 * thread that is the same timed park as {@code Thread.sleep} (the scheduler's timer unparks it),
 * and it also sees the client leave during the delay (end of stream or reset), which a sleep
 * would not: then the "timer" is abandoned and the socket closed, as juv does. When the read times
 * out, the answer is written (a blocking write: it returns once the kernel has it all) and the
 * socket closed.
 *
 * <p>Keep-alive: every read is scanned for "\r\n\r\n" and the requests it completes are answered
 * at once, in one write from a pre-built array of responses. Per connection a 1 KiB (delay mode)
 * or 8 KiB (keep-alive) read buffer; nothing is allocated per request.
 *
 * <p>Out of file descriptors (EMFILE on accept): libuv's trick, as juv and Node.js do: one
 * descriptor is held in reserve; when accept fails it is given up to take the next connection,
 * which is served if the reserve can be taken back and closed at once otherwise. Logged once.
 */
public final class VirtualThreadServer {

    static final String NAME = "virtual-threads";

    private static final int LEN = Peer.RESPONSE.length;

    private final Peer opt;
    private final ServerSocket server;
    private final Thread.Builder.OfVirtual threads = Thread.ofVirtual();
    private FileChannel reserve;
    private boolean loggedAcceptError;

    private VirtualThreadServer(Peer opt) throws IOException {
        this.opt = opt;
        reserve = Peer.openReserve();
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(opt.host, opt.port), opt.backlog);
    }

    public static void main(String[] args) {
        // A single carrier thread; must come before the first virtual thread is created.
        setIfAbsent("jdk.virtualThreadScheduler.parallelism", "1");
        setIfAbsent("jdk.virtualThreadScheduler.maxPoolSize", "1");
        Peer.main(NAME, args, VirtualThreadServer::serve);
    }

    private static void serve(Peer opt) throws Exception {
        VirtualThreadServer s = new VirtualThreadServer(opt);
        opt.listening(NAME, s.server.getLocalPort());
        Thread.ofVirtual().name("accept").start(s::acceptLoop).join();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    private void acceptLoop() {
        for (;;) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                logAcceptError(e);
                s = Peer.outOfFiles(e) ? acceptWithReserve() : null;
                if (s == null) {
                    if (!Peer.outOfFiles(e)) pause(); // an unknown error: don't spin on it
                    continue;
                }
            }
            Socket socket = s;
            threads.start(() -> serve(socket));
        }
    }

    /** Out of descriptors: takes the next connection with the reserve; null when it had to be dropped. */
    private Socket acceptWithReserve() {
        if (reserve == null && (reserve = Peer.openReserve()) == null) {
            pause();
            return null;
        }
        Peer.closeQuietly(reserve);
        reserve = null;
        Socket s;
        try {
            s = server.accept(); // blocks until a client comes: this costs no CPU while out of descriptors
        } catch (IOException e) {
            s = null;
        }
        reserve = Peer.openReserve();
        if (s != null && reserve == null) { // still none to spare: this connection is dropped, as libuv does
            Peer.closeQuietly(s);
            s = null;
            reserve = Peer.openReserve();
        }
        return s;
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (opt.keepAlive) keepAlive(in, out);
            else delayed(s, in, out);
        } catch (IOException e) {
            // reset by the client and the like: not worth a word
        }
    }

    /** cl-async's behaviour: one request, the delay, the response, close. */
    private void delayed(Socket s, InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[1024];
        if (in.read(buf) < 0) return;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(opt.delayMillis);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
            try {
                if (in.read(buf) < 0) return; // the client went away before the answer
            } catch (SocketTimeoutException e) {
                break; // the delay is over
            }
        }
        out.write(Peer.RESPONSE);
    }

    /** HTTP/1.1 keep-alive: every request (ending in an empty line) is answered at once; never closes. */
    private static void keepAlive(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        int matched = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            int requests = 0;
            for (int i = 0; i < n; i++) {
                matched = Peer.step(matched, buf[i]);
                if (matched == 4) {
                    requests++;
                    matched = 0;
                }
            }
            while (requests > 0) {
                int k = Math.min(requests, Peer.BATCH);
                requests -= k;
                out.write(Peer.RESPONSES, 0, k * LEN);
            }
        }
    }

    private void logAcceptError(IOException e) {
        if (loggedAcceptError) return;
        loggedAcceptError = true;
        System.err.println(NAME + ": accept failed: " + e.getMessage()
                + (Peer.outOfFiles(e) ? "; connections beyond the limit are closed at once (logged once)" : " (logged once)"));
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
