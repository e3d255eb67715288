package io.juv.net;

import io.juv.EventLoop;
import io.juv.StreamHandler;

/**
 * How the loops of a {@link TcpServerGroup} share its port: one implementation per
 * {@link TcpServerGroup.Sharing}. One is made per group, on the thread that starts it; {@link #join}
 * runs on each loop's own thread, loop 0's to the end before any other's, so an implementation
 * may keep what its loops share (the port; for a strategy that hands accepted sockets from one
 * loop to the others, the pipes between them).
 */
interface PortSharing {

    /** What one loop of the group serves. */
    interface Member {
        /** The port this loop serves. */
        int port();

        /** Connections that reached this loop's handler. Read on the loop's thread, or once it has ended. */
        long accepted();
    }

    /**
     * Starts serving on loop {@code index}, on that loop's thread: loop 0 with the port asked for
     * (0: one the system chooses), every other loop with the port loop 0 got. What this throws
     * fails the group's start.
     */
    Member join(EventLoop loop, int index, String host, int port, ListenOptions options,
                StreamHandler<? super TcpSocket> handler);

    static PortSharing of(TcpServerGroup.Sharing sharing, int loops) {
        return switch (sharing) {
            case REUSE_PORT -> new ReusePort();
            case HAND_OFF -> new HandOff(loops);
        };
    }

    /** Every loop listens on the port itself, with SO_REUSEPORT; the kernel picks a loop for each connection. */
    final class ReusePort implements PortSharing {
        @Override
        public Member join(EventLoop loop, int index, String host, int port, ListenOptions options,
                           StreamHandler<? super TcpSocket> handler) {
            TcpServer server = TcpServer.listen(loop, host, port, options.reusePort(true), handler);
            return new Member() {
                @Override public int port() { return server.port(); }
                @Override public long accepted() { return server.acceptedCount(); }
            };
        }
    }

    /**
     * Loop 0 listens and accepts; each connection goes, round robin, to loop 0's own handler or
     * over an IPC pipe (uv_write2 with the socket's handle) to another loop, which serves it with
     * its handler (Node's cluster, libuv's multi-loop example). Works wherever libuv passes handles
     * over pipes, SO_REUSEPORT or not. The pipes are socket pairs made by loop 0, one per other
     * loop; loop 0 opens its ends and leaves the others to their loops, which join after it.
     */
    final class HandOff implements PortSharing {

        private final int loops;
        /** The other loops' ends of the pipes, by loop index: written by loop 0 before any other joins. */
        private final int[] peerEnds;

        HandOff(int loops) {
            this.loops = loops;
            this.peerEnds = new int[loops];
        }

        @Override
        public Member join(EventLoop loop, int index, String host, int port, ListenOptions options,
                           StreamHandler<? super TcpSocket> handler) {
            if (index > 0) {
                Counting served = new Counting(handler);
                // What travels with each handle is one marker byte: nothing to read.
                Pipe.open(loop, peerEnds[index], true, (pipe, marker) -> { }).acceptHandles(served);
                return served.member(port);
            }
            Pipe[] out = new Pipe[loops];
            for (int i = 1; i < loops; i++) {
                int[] pair = Pipe.socketPair();
                out[i] = Pipe.open(loop, pair[0], true, (pipe, data) -> { });
                peerEnds[i] = pair[1];
            }
            Dispatcher dispatcher = new Dispatcher(handler, out);
            dispatcher.server = TcpServer.listen(loop, host, port, options, dispatcher);
            return dispatcher.member(dispatcher.server.port());
        }

        /** Loop 0's handler: hands every connection but its own share to the next loop. */
        private static final class Dispatcher extends Counting {
            private final Pipe[] out;
            private final StreamHandler<? super TcpSocket> handler;
            private int next;
            TcpServer server;

            Dispatcher(StreamHandler<? super TcpSocket> handler, Pipe[] out) {
                super(handler);
                this.handler = handler;
                this.out = out;
            }

            @Override
            public void onConnect(TcpSocket s) {
                int to = next;
                next = (next + 1) % out.length;
                if (to == 0) {
                    super.onConnect(s);
                    return;
                }
                s.servedElsewhere = true;
                out[to].sendHandle(s, (pipe, error) -> {
                    // The connection is lost (the other loop has gone): a failure to accept it, as EMFILE would be.
                    if (error != null) handler.onAcceptError(server, error);
                });
            }

            @Override
            public void onClose(TcpSocket s) {
                if (!s.servedElsewhere) super.onClose(s);
            }
        }
    }

    /** The group's handler, with a count of the connections it was given. */
    class Counting implements StreamHandler<TcpSocket> {
        private final StreamHandler<? super TcpSocket> handler;
        /** Written on the loop's thread; read there, or once the loop has ended. */
        private long connects;

        Counting(StreamHandler<? super TcpSocket> handler) {
            this.handler = handler;
        }

        Member member(int port) {
            return new Member() {
                @Override public int port() { return port; }
                @Override public long accepted() { return connects; }
            };
        }

        @Override
        public void onConnect(TcpSocket s) {
            connects++;
            handler.onConnect(s);
        }

        @Override public void onData(TcpSocket s, java.nio.ByteBuffer data) { handler.onData(s, data); }
        @Override public void onEnd(TcpSocket s) { handler.onEnd(s); }
        @Override public void onError(TcpSocket s, io.juv.UvException e) { handler.onError(s, e); }
        @Override public void onDrain(TcpSocket s) { handler.onDrain(s); }
        @Override public void onClose(TcpSocket s) { handler.onClose(s); }
        @Override public void onAcceptError(io.juv.StreamServer server, io.juv.UvException e) { handler.onAcceptError(server, e); }
    }
}
