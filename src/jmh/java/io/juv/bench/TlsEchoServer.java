package io.juv.bench;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;

import java.nio.file.Path;

/**
 * juv's side of the TLS scenarios (TlsBench): a single-loop TLS echo server on juv's TlsStream
 * over TCP, with the JDK's provider, as peers/NettyTlsEchoServer is on Netty's SslHandler.
 *
 * <pre>--port N  --keystore FILE.p12  --password P</pre>
 */
public final class TlsEchoServer {

    public static void main(String[] args) {
        int port = 0;
        Path keystore = null;
        String password = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--keystore" -> keystore = Path.of(args[++i]);
                case "--password" -> password = args[++i];
                default -> throw new IllegalArgumentException("options: --port N --keystore FILE --password P");
            }
        }
        char[] pw = password.toCharArray();
        TlsOptions options = TlsOptions.server(TlsOptions.loadKeyStore(keystore, pw), pw);
        int p = port;
        EventLoop.start(loop -> {
            loop.catchErrors(true); // a client that leaves mid-record must not end the benchmark
            // As the Netty peer: TCP_NODELAY (a 64 KiB echo is four records, the last one small), and
            // every read written back; the ping-pong client bounds what is in flight.
            var server = loop.listenTls("127.0.0.1", p, options, new io.juv.StreamHandler<TlsStream>() {
                @Override public void onConnect(TlsStream s) { ((io.juv.net.TcpSocket) s.transport()).noDelay(true); }
                @Override public void onData(TlsStream s, java.nio.ByteBuffer data) { s.write(data); }
            });
            loop.onSignal(Signal.INT, sig -> loop.exit());
            System.out.println("juv-tls listening on 127.0.0.1:" + server.port());
            System.out.flush();
        });
    }
}
