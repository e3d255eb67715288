package io.juv.bench.peers;

import io.juv.examples.Cli;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import javax.net.ssl.KeyManagerFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

/**
 * The TLS peer of the side-by-side benchmark: a single-threaded Netty echo server, on epoll or
 * io_uring, behind Netty's SslHandler with the JDK's own TLS provider (SSLEngine), as juv's TLS
 * uses, so the two differ in the event loop and the glue, not in the cryptography.
 * Its command line is {@link NettyTransport}'s {@code --transport NAME}, then {@link TlsServerOptions}'s.
 */
@Command(name = "netty-tls", description = "The TLS peer of the TLS scenarios: a single-threaded Netty echo server behind SslHandler (JDK provider).")
public final class NettyTlsEchoServer implements Callable<Integer> {

    @Mixin
    private NettyTransport.Options transportOptions = new NettyTransport.Options();
    @Mixin
    private TlsServerOptions o = new TlsServerOptions();

    private NettyTlsEchoServer() {}

    public static void main(String[] args) {
        System.setProperty("io.netty.leakDetection.level", "disabled");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        Cli.runAndExit(new NettyTlsEchoServer(), args);
    }

    @Override
    public Integer call() throws Exception {
        NettyTransport transport = transportOptions.choose("netty-tls");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(o.keyStore(), o.password());
        SslContext tls = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        EventLoopGroup group = transport.newGroup();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group, group)
                    .channelFactory((io.netty.channel.ChannelFactory<ServerChannel>)
                            () -> transport.serverChannel(SocketProtocolFamily.INET))
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new Echo());
                        }
                    });
            Channel server = b.bind("127.0.0.1", o.port()).sync().channel();
            TlsServerOptions.listening("netty-tls-" + transport.label, ((InetSocketAddress) server.localAddress()).getPort());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
        return 0;
    }

    /** Every plaintext read is written back; flushed once per batch of reads. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that leaves mid-record: not worth a word in a benchmark
        }
    }
}
