package io.juv.bench.peers;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * juv's seed server on plain java.nio: one thread, one {@link Selector}, non-blocking channels.
 *
 * <p>One shared 64 KiB direct read buffer (juv's size); the responses are written from one direct
 * buffer holding {@link Peer#RESPONSES} through a shared view, so a request costs no allocation;
 * a connection gets a view of its own only when the kernel takes part of a write (then OP_WRITE
 * finishes it). Timers: every deadline is now + the same delay, so a FIFO is the deadline priority
 * queue (O(1)); a connection that closes is skipped when its deadline comes (lazy cancel). The loop
 * runs the due timers, then blocks in {@code select(timeout)} until the next deadline.
 *
 * <p>Out of file descriptors (EMFILE on accept): libuv's trick, as juv and Node.js do: one
 * descriptor is held in reserve; when accept fails it is given up to take the pending connection,
 * which is served if the reserve can be taken back and closed at once otherwise. Logged once.
 */
public final class NioServer implements Consumer<SelectionKey> {

    static final String NAME = "nio";

    private static final int READ_BUFFER = 64 * 1024;
    private static final int LEN = Peer.RESPONSE.length;

    private static final byte IDLE = 0, TIMER = 1, ANSWERING = 2, CLOSED = 3;

    /** Per connection state, the key's attachment. */
    private static final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        byte state;
        int matched;      // keep-alive: bytes of "\r\n\r\n" matched so far
        int owed;         // responses not yet started (only while out != null)
        ByteBuffer out;   // the connection's own view of RESPONSES while a write is partial
        long deadline;    // delay mode: System.nanoTime() when to answer

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private final Peer opt;
    private final long delayNanos;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final SelectionKey serverKey;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final ByteBuffer responses;  // direct, RESPONSES
    private final ByteBuffer shared;     // a view of responses for writes that complete at once
    private final ArrayDeque<Conn> timers = new ArrayDeque<>();
    private FileChannel reserve;
    private boolean loggedAcceptError;
    private long acceptPausedUntil;      // nanoTime; 0 when accepting

    private NioServer(Peer opt) throws IOException {
        this.opt = opt;
        this.delayNanos = opt.delayMillis * 1_000_000L;
        responses = ByteBuffer.allocateDirect(Peer.RESPONSES.length).put(Peer.RESPONSES).flip();
        shared = responses.duplicate();
        reserve = Peer.openReserve();
        selector = Selector.open();
        InetAddress address = InetAddress.getByName(opt.host);
        server = ServerSocketChannel.open(address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(address, opt.port), opt.backlog);
        server.configureBlocking(false);
        serverKey = server.register(selector, SelectionKey.OP_ACCEPT);
    }

    public static void main(String[] args) {
        Peer.main(NAME, args, NioServer::serve);
    }

    private static void serve(Peer opt) throws IOException {
        NioServer s = new NioServer(opt);
        opt.listening(NAME, ((InetSocketAddress) s.server.getLocalAddress()).getPort());
        s.run();
    }

    private void run() throws IOException {
        for (;;) {
            long timeout = 0; // 0: no deadline, block until I/O
            if (!timers.isEmpty() || acceptPausedUntil != 0) {
                long now = System.nanoTime();
                timeout = runDue(now);
            }
            if (timeout == 0) selector.select(this);
            else selector.select(this, timeout);
        }
    }

    /** Answers the connections whose delay is over; the milliseconds until the next deadline (0: none). */
    private long runDue(long now) {
        Conn c;
        while ((c = timers.peek()) != null && c.deadline - now <= 0) {
            timers.poll();
            if (c.state == TIMER) {
                c.state = ANSWERING;
                send(c, 1);
            }
        }
        long next = c == null ? Long.MAX_VALUE : c.deadline - now;
        if (acceptPausedUntil != 0) {
            if (acceptPausedUntil - now <= 0) {
                acceptPausedUntil = 0;
                serverKey.interestOps(SelectionKey.OP_ACCEPT);
            } else {
                next = Math.min(next, acceptPausedUntil - now);
            }
        }
        if (next == Long.MAX_VALUE) return 0;
        return Math.max(1, (next + 999_999) / 1_000_000); // round up: never wake before the deadline
    }

    @Override
    public void accept(SelectionKey key) {
        if (key == serverKey) {
            acceptAll();
            return;
        }
        Conn c = (Conn) key.attachment();
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            writable(c);
            if (c.state == CLOSED) return;
        }
        if ((ready & SelectionKey.OP_READ) != 0) read(c);
    }

    private void acceptAll() {
        for (;;) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (Peer.outOfFiles(e)) {
                    logAcceptError(e);
                    if (acceptWithReserve()) continue;
                    return;
                }
                logAcceptError(e);
                pauseAccepting(); // an unknown error: don't spin on it
                return;
            }
            if (ch == null) return;
            register(ch);
        }
    }

    /** Out of descriptors: takes one pending connection with the reserve. False when there is none or no way. */
    private boolean acceptWithReserve() {
        if (reserve == null && (reserve = Peer.openReserve()) == null) {
            pauseAccepting();
            return false;
        }
        Peer.closeQuietly(reserve);
        reserve = null;
        SocketChannel ch;
        try {
            ch = server.accept();
        } catch (IOException e) {
            ch = null;
        }
        reserve = Peer.openReserve();
        if (ch == null) return false;
        if (reserve == null) { // still none to spare: this connection is dropped, as libuv does
            Peer.closeQuietly(ch);
            reserve = Peer.openReserve();
            return true;
        }
        register(ch);
        return true;
    }

    private void pauseAccepting() {
        serverKey.interestOps(0);
        acceptPausedUntil = System.nanoTime() + 100_000_000L;
        if (acceptPausedUntil == 0) acceptPausedUntil = 1;
    }

    private void register(SocketChannel ch) {
        Conn c = new Conn(ch);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            close(c);
        }
    }

    private void read(Conn c) {
        ByteBuffer b = readBuffer;
        b.clear();
        int n;
        try {
            n = c.ch.read(b);
        } catch (IOException e) {
            close(c); // reset: the client went away
            return;
        }
        if (n < 0) {
            close(c); // end of stream: the client went away (a pending timer is skipped)
            return;
        }
        if (n == 0) return;
        if (opt.keepAlive) {
            int matched = c.matched, requests = 0;
            for (int i = 0; i < n; i++) {
                matched = Peer.step(matched, b.get(i));
                if (matched == 4) {
                    requests++;
                    matched = 0;
                }
            }
            c.matched = matched;
            if (requests > 0) send(c, requests);
        } else if (c.state == IDLE) {
            c.state = TIMER;
            c.deadline = System.nanoTime() + delayNanos;
            timers.add(c);
        }
    }

    /** Hands n more responses to the kernel, in writes of up to BATCH responses. */
    private void send(Conn c, int n) {
        if (c.out != null) { // a partial write is waiting for OP_WRITE: queue behind it
            c.owed += n;
            return;
        }
        ByteBuffer v = shared;
        while (n > 0) {
            int k = Math.min(n, Peer.BATCH);
            n -= k;
            v.limit(k * LEN).position(0);
            try {
                c.ch.write(v);
            } catch (IOException e) {
                close(c);
                return;
            }
            if (v.hasRemaining()) { // the kernel's buffer is full: finish on OP_WRITE
                c.out = responses.duplicate().limit(v.limit()).position(v.position());
                c.owed = n;
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
        }
        written(c);
    }

    private void writable(Conn c) {
        ByteBuffer o = c.out;
        if (o == null) return;
        for (;;) {
            try {
                c.ch.write(o);
            } catch (IOException e) {
                close(c);
                return;
            }
            if (o.hasRemaining()) return;
            if (c.owed == 0) break;
            int k = Math.min(c.owed, Peer.BATCH);
            c.owed -= k;
            o.limit(k * LEN).position(0);
        }
        c.out = null;
        c.key.interestOps(SelectionKey.OP_READ);
        written(c);
    }

    /** Everything owed reached the kernel: in delay mode the answer is complete, so close. */
    private void written(Conn c) {
        if (c.state == ANSWERING) close(c);
    }

    private void close(Conn c) {
        c.state = CLOSED;
        c.out = null;
        Peer.closeQuietly(c.ch); // cancels the key; a queued timer entry is skipped when due
    }

    private void logAcceptError(IOException e) {
        if (loggedAcceptError) return;
        loggedAcceptError = true;
        System.err.println(NAME + ": accept failed: " + e.getMessage()
                + (Peer.outOfFiles(e) ? "; connections beyond the limit are closed at once (logged once)" : " (logged once)"));
    }
}
