package io.juv.bench.peers;

import io.juv.examples.Cli;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import picocli.CommandLine.Option;

/**
 * The native transports of Netty 4.2 the Netty peers run on: the same server code on either, so
 * the two differ only in how the event loop waits for and does its I/O (epoll's readiness, then
 * system calls; io_uring's submitted operations and their completions).
 *
 * <p>A Netty peer's command line has the transport's options ({@link Options}, a picocli mixin) besides its own:
 * <pre>
 * --transport epoll|io_uring   (default epoll)
 * --probe                      print "transport NAME available" or "transport NAME unavailable: CAUSE", exit
 * </pre>
 * The harness probes before it runs a Netty peer, so a kernel (or a container's seccomp filter)
 * without io_uring skips that peer with its cause in the report instead of failing the bench.
 */
enum NettyTransport {

    EPOLL("epoll") {
        @Override
        Throwable unavailabilityCause() {
            return Epoll.unavailabilityCause();
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        ServerChannel serverChannel(SocketProtocolFamily family) {
            return new EpollServerSocketChannel(family);
        }
    },

    IO_URING("io_uring") {
        @Override
        Throwable unavailabilityCause() {
            return IoUring.unavailabilityCause();
        }

        /**
         * Netty's defaults (128 submission entries, 4,096 completion entries), as epoll gets
         * its own. With thousands of connections answered by timers at once Netty logs
         * "CompletionQueue overflow detected" (44 times past the fd limit, by hand); the kernel
         * keeps the extra completions (IORING_FEAT_NODROP) and all 24,000 were answered, so the
         * warning is left as is.
         */
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        ServerChannel serverChannel(SocketProtocolFamily family) {
            // No constructor takes a family: Netty's default socket, IPv6 and dual-stack where the
            // host has IPv6, so an IPv4 address binds too (loopback clients still speak IPv4).
            return new IoUringServerSocketChannel();
        }
    };

    /** Exit status of a server whose transport this kernel lacks (2 is a bad command line). */
    static final int UNAVAILABLE = 3;

    final String label;

    NettyTransport(String label) {
        this.label = label;
    }

    /** Why this transport cannot run here, or null when it can. */
    abstract Throwable unavailabilityCause();

    abstract IoHandlerFactory ioHandlerFactory();

    /** A listening channel of this transport for addresses of {@code family}. */
    abstract ServerChannel serverChannel(SocketProtocolFamily family);

    /** One event loop thread: the peers accept and serve on the same one, as juv's loop does. */
    EventLoopGroup newGroup() {
        return new MultiThreadIoEventLoopGroup(1, ioHandlerFactory());
    }

    /** The transport options of a Netty peer's command line. */
    static final class Options {
        @Option(names = "--transport", paramLabel = "epoll|io_uring", description = "Netty's native transport (default: ${DEFAULT-VALUE})")
        private String transport = "epoll";
        @Option(names = "--probe", description = "print \"transport NAME available\" or \"transport NAME unavailable: CAUSE\" and exit"
                + " (0, or " + UNAVAILABLE + " when unavailable)")
        private boolean probe;

        /**
         * The transport chosen; answers {@code --probe} and exits; exits with {@link #UNAVAILABLE} and
         * the cause when the transport cannot run here.
         */
        NettyTransport choose(String name) {
            NettyTransport chosen = byLabel(transport);
            if (chosen == null) throw Cli.usage("unknown transport " + transport + "; one of epoll, io_uring");
            Throwable cause = chosen.unavailabilityCause();
            if (probe) {
                System.out.println(probeLine(chosen, cause));
                System.out.flush();
                System.exit(cause == null ? 0 : UNAVAILABLE);
            }
            if (cause != null) {
                System.err.println(name + ": " + probeLine(chosen, cause));
                System.exit(UNAVAILABLE);
            }
            return chosen;
        }
    }

    private static String probeLine(NettyTransport transport, Throwable cause) {
        if (cause == null) return "transport " + transport.label + " available";
        // The cause's own cause is often the one that names the system call or the missing library.
        StringBuilder why = new StringBuilder(String.valueOf(cause));
        Throwable c = cause.getCause();
        for (int depth = 0; c != null && depth < 4; depth++, c = c.getCause()) why.append("; ").append(c);
        return "transport " + transport.label + " unavailable: " + why.toString().replace('\n', ' ');
    }

    private static NettyTransport byLabel(String label) {
        for (NettyTransport t : values()) if (t.label.equals(label)) return t;
        return null;
    }
}
