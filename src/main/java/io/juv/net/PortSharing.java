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

    static PortSharing of(TcpServerGroup.Sharing sharing) {
        return switch (sharing) {
            case REUSE_PORT -> new ReusePort();
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
}
