package io.juv.net;

import io.juv.ErrorKind;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.internal.Addresses;
import io.juv.internal.Errors;
import io.juv.internal.InternalTimer;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One outgoing connection: a name is looked up, then its addresses are tried in turn until one
 * answers (cl-async took the first IPv4 address only). Each attempt has a handle of its own, since
 * a socket of one family cannot connect to the other; a failed attempt closes without a word to
 * the handler, which hears only of the attempt that connected or of the last failure. An optional
 * deadline covers the whole of it, lookup included.
 */
final class TcpConnector {

    private final LoopCore core;
    private final StreamHandler<? super TcpSocket> handler;
    private final String target;
    private final CompletableFuture<TcpSocket> future;
    private TcpSocket socket;
    private List<InetSocketAddress> addresses = List.of();
    private int next;
    private InternalTimer deadline;
    private boolean done;

    private TcpConnector(LoopCore core, StreamHandler<? super TcpSocket> handler, String target) {
        this.core = core;
        this.handler = handler;
        this.target = target;
        this.future = core.newFuture();
    }

    static CompletableFuture<TcpSocket> connect(LoopCore core, String host, int port, ConnectOptions options,
                                                StreamHandler<? super TcpSocket> handler) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        TcpConnector c = new TcpConnector(core, handler, host + ":" + port);
        c.socket = new TcpSocket(core, handler, false);
        try {
            c.arm(options);
            InetSocketAddress literal = Addresses.literal(host, port);
            if (literal != null) c.resolved(List.of(literal), null);
            else AddressLookup.start(core, host, port, options.family(), c::resolved);
        } catch (RuntimeException e) {
            // libuv refused to start (a name it cannot take, say): nothing may stay open.
            c.abandon();
            throw e;
        }
        return c.future;
    }

    /** Undoes a connect that never started: the handler hears nothing, the caller gets the exception. */
    private void abandon() {
        done = true;
        closeDeadline();
        socket.abandonAttempt();
    }

    static CompletableFuture<TcpSocket> connect(LoopCore core, List<InetSocketAddress> addresses, ConnectOptions options,
                                                StreamHandler<? super TcpSocket> handler) {
        // Checked before anything opens: a bad address found midway would leave the attempt's socket behind.
        List<InetSocketAddress> each = List.copyOf(addresses); // and no null
        if (each.isEmpty()) throw new IllegalArgumentException("juv: no address to connect to");
        for (InetSocketAddress a : each) {
            if (a.isUnresolved()) throw new IllegalArgumentException("juv: an unresolved address: " + a + " (connect by name instead)");
        }
        TcpConnector c = new TcpConnector(core, handler, each.toString());
        c.socket = new TcpSocket(core, handler, false);
        try {
            c.arm(options);
        } catch (RuntimeException e) {
            c.abandon();
            throw e;
        }
        c.resolved(each, null);
        return c.future;
    }

    private void arm(ConnectOptions options) {
        long millis = options.timeoutMillis();
        if (millis <= 0) return;
        deadline = new InternalTimer(core, () -> fail(Errors.timedOut("connect to " + target + " timed out after " + millis + " ms")));
        deadline.start(millis);
    }

    private void resolved(List<InetSocketAddress> found, UvException error) {
        if (done) return;
        if (socket.isClosed()) fail(Errors.socketClosed("socket")); // the loop exited meanwhile
        else if (error != null) fail(error);
        else {
            addresses = found;
            attempt(null);
        }
    }

    /** Starts the next address's attempt on the current socket; fails with the last error when none is left. */
    private void attempt(UvException last) {
        while (next < addresses.size()) {
            InetSocketAddress a = addresses.get(next++);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sa = arena.allocate(Platform.SOCKADDR_STORAGE);
                Addresses.toNative(arena, a, sa);
                socket.connecting(this);
                new TcpConnect(core, socket).start(sa);
                return;
            } catch (UvException e) {
                last = e;
                if (next < addresses.size()) freshSocket();
            }
        }
        fail(last != null ? last : Errors.hostNotFound(target)); // no address at all: a lookup never gives none
    }

    private void freshSocket() {
        socket.abandonAttempt();
        socket = new TcpSocket(core, handler, false);
    }

    /** From the connect request's callback. */
    void attemptDone(TcpSocket s, int status) {
        if (done || s != socket) return;
        if (status >= 0) {
            done = true;
            closeDeadline();
            core.guard(s::connectedNow); // a throwing onConnect must not leave the future pending
            future.complete(s);
            return;
        }
        UvException e = Errors.of(status);
        // Cancelled means the socket was closed (the loop exited): no further attempt.
        if (e.kind() != ErrorKind.CANCELED && !s.isClosed() && next < addresses.size()) {
            freshSocket();
            attempt(e);
        } else {
            fail(e);
        }
    }

    private void fail(UvException e) {
        if (done) return;
        done = true;
        closeDeadline();
        try {
            socket.failNow(e);
        } finally {
            future.completeExceptionally(e);
        }
    }

    private void closeDeadline() {
        if (deadline != null) deadline.close();
    }
}
