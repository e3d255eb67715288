package io.juv.bench.peers;

import io.juv.examples.Cli;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ByteProcessor;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * juv's seed server on one of Netty 4.2's native transports, epoll or io_uring
 * ({@link NettyTransport}: {@code --transport NAME} before the options of {@link Peer}), on one
 * event loop thread (the same group accepts and serves). Everything but the transport is the same
 * code with the same options, so the two peers differ in the event loop alone.
 *
 * <p>No HTTP codec: the inbound ByteBufs (pooled, direct) are scanned for "\r\n\r\n" with
 * {@link ByteBuf#forEachByte} and released; each answer is a retained duplicate (a retained slice
 * for a batch of pipelined requests) of one shared unreleasable direct buffer, written with the
 * void promise in channelRead and flushed once in channelReadComplete. The delay is a task
 * scheduled on the channel's event loop, cancelled when the channel goes inactive first.
 *
 * <p>Out of file descriptors (EMFILE on accept): Netty's own policy, kept as is: the
 * ServerBootstrapAcceptor stops accepting for one second and resumes; a handler behind it logs
 * the first error only (Netty would warn with a stack trace every time).
 *
 * <p>main sets, unless given: leak detection disabled, and io.netty.buffer.checkAccessible /
 * checkBounds false (the usual settings of Netty benchmark servers).
 */
public final class NettyServer {

    private static final int LEN = Peer.RESPONSE.length;

    /** The one response, shared by every connection: never freed, duplicates cost no refcount. */
    private static ByteBuf response;
    /** RESPONSE repeated BATCH times, for pipelined requests. */
    private static ByteBuf responses;

    public static void main(String[] args) {
        // Before any Netty class reads them.
        setIfAbsent("io.netty.leakDetection.level", "disabled");
        setIfAbsent("io.netty.buffer.checkAccessible", "false");
        setIfAbsent("io.netty.buffer.checkBounds", "false");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);

        NettyTransport.Options transport = new NettyTransport.Options();
        Peer.main("netty", args, opt -> serve(transport.choose("netty"), opt), transport);
    }

    private static void serve(NettyTransport transport, Peer opt) throws InterruptedException {
        String name = "netty-" + transport.label;
        response = Unpooled.unreleasableBuffer(Unpooled.directBuffer(LEN, LEN).writeBytes(Peer.RESPONSE));
        responses = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(Peer.RESPONSES.length, Peer.RESPONSES.length).writeBytes(Peer.RESPONSES));

        InetAddress address;
        try {
            address = InetAddress.getByName(opt.host);
        } catch (java.net.UnknownHostException e) {
            throw Cli.usage("unknown host " + opt.host);
        }
        SocketProtocolFamily family = address instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        ByteBufAllocator alloc = new PooledByteBufAllocator(true);
        long delayMillis = opt.delayMillis;
        boolean keepAlive = opt.keepAlive;

        EventLoopGroup group = transport.newGroup();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group, group)
                    .channelFactory((io.netty.channel.ChannelFactory<ServerChannel>) () -> transport.serverChannel(family))
                    .option(ChannelOption.SO_BACKLOG, opt.backlog)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.ALLOCATOR, alloc)
                    .childOption(ChannelOption.ALLOCATOR, alloc)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(keepAlive ? new KeepAlive() : new Delayed(delayMillis));
                        }
                    });
            Channel server = b.bind(address, opt.port).sync().channel();
            // Behind the ServerBootstrapAcceptor, which is in place once bind completed.
            server.pipeline().addLast(new AcceptErrors(name));
            opt.listening(name, ((InetSocketAddress) server.localAddress()).getPort());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    /** cl-async's behaviour: the first data arms the timer; the answer, then close once written. */
    private static final class Delayed extends ChannelInboundHandlerAdapter implements Runnable {
        private final long delayMillis;
        private ChannelHandlerContext ctx;
        private ScheduledFuture<?> timer;

        Delayed(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            if (timer == null) {
                this.ctx = ctx;
                timer = ctx.executor().schedule(this, delayMillis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void run() {
            if (!ctx.channel().isActive()) return;
            ctx.writeAndFlush(response.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (timer != null) timer.cancel(false); // the client left before the answer
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // reset by the client and the like: not worth a word
        }
    }

    /** HTTP/1.1 keep-alive: every request (ending in an empty line) is answered at once; never closes. */
    private static final class KeepAlive extends ChannelInboundHandlerAdapter implements ByteProcessor {
        private int matched;
        private int requests;
        private boolean unflushed;

        @Override
        public boolean process(byte b) {
            int m = Peer.step(matched, b);
            if (m == 4) {
                requests++;
                m = 0;
            }
            matched = m;
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                buf.forEachByte(this);
            } finally {
                buf.release();
            }
            int n = requests;
            if (n == 0) return;
            requests = 0;
            unflushed = true;
            if (n == 1) {
                ctx.write(response.retainedDuplicate(), ctx.voidPromise());
                return;
            }
            while (n > 0) {
                int k = Math.min(n, Peer.BATCH);
                n -= k;
                ctx.write(responses.retainedSlice(0, k * LEN), ctx.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (unflushed) {
                unflushed = false;
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // clients closing their connections is how a keep-alive benchmark ends
        }
    }

    /** Last on the server channel's pipeline: Netty has already paused accepting; log the first error only. */
    private static final class AcceptErrors extends ChannelInboundHandlerAdapter {
        private final String name;
        private boolean logged;

        AcceptErrors(String name) {
            this.name = name;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (logged) return;
            logged = true;
            System.err.println(name + ": accept failed: " + cause.getMessage()
                    + "; Netty stops accepting for 1 s after each such error (logged once)");
        }
    }
}
