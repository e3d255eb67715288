package io.juv.bench;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.bench.peers.TlsServerOptions;
import io.juv.examples.Cli;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * juv's side of the TLS scenarios (TlsBench): a single-loop TLS echo server on juv's TlsStream
 * over TCP, with the JDK's provider, as peers/NettyTlsEchoServer is on Netty's SslHandler.
 * Its command line is {@link TlsServerOptions}'s.
 */
@Command(name = "TlsEchoServer", description = "juv's TLS echo server of the TLS scenarios: one loop, TlsStream over TCP, the JDK's provider.")
public final class TlsEchoServer implements Callable<Integer> {

    @Mixin
    private TlsServerOptions o = new TlsServerOptions();

    private TlsEchoServer() {}

    public static void main(String[] args) {
        Cli.runAndExit(new TlsEchoServer(), args);
    }

    @Override
    public Integer call() {
        TlsOptions options = TlsOptions.server(o.keyStore(), o.password());
        EventLoop.start(loop -> {
            loop.catchErrors(true); // a client that leaves mid-record must not end the benchmark
            // As the Netty peer: TCP_NODELAY (a 64 KiB echo is four records, the last one small), and
            // every read written back; the ping-pong client bounds what is in flight.
            var server = loop.listenTls("127.0.0.1", o.port(), options, new io.juv.StreamHandler<TlsStream>() {
                @Override public void onConnect(TlsStream s) { ((io.juv.net.TcpSocket) s.transport()).noDelay(true); }
                @Override public void onData(TlsStream s, java.nio.ByteBuffer data) { s.write(data); }
            });
            loop.onSignal(Signal.INT, sig -> loop.exit());
            TlsServerOptions.listening("juv-tls", server.port());
        });
        return 0;
    }
}
