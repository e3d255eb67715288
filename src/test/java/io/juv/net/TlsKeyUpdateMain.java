package io.juv.net;

import io.juv.Loops;
import io.juv.StreamHandler;
import io.juv.UvException;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run in a JVM of its own by {@link TlsTest}, with a tiny {@code jdk.tls.keyLimits} (a security
 * property, read once per JVM): sends 4 MB (or args[0] bytes) through a juv TLS echo, so that both sides update their
 * keys many times mid-transfer, and prints "OK" when what came back hashes the same.
 */
public final class TlsKeyUpdateMain {

    public static void main(String[] args) {
        TlsCerts certs = TlsCerts.get();
        byte[] payload = Loops.random(args.length > 0 ? Integer.parseInt(args[0]) : 4 * 1024 * 1024, 3);
        MessageDigest digest = Loops.sha256();
        AtomicReference<UvException> error = new AtomicReference<>();
        long[] received = {0};
        Loops.run(loop -> {
            TcpServer server = loop.listenTls("127.0.0.1", 0, certs.serverOptions().withProtocols("TLSv1.3"), new StreamHandler<TlsStream>() {
                @Override public void onData(TlsStream s, ByteBuffer data) {
                    if (!s.write(data)) s.pause();
                }
                @Override public void onDrain(TlsStream s) { s.resume(); }
                @Override public void onError(TlsStream s, UvException e) { error.compareAndSet(null, e); }
            });
            loop.connectTls("localhost", server.port(), certs.clientOptions(), new StreamHandler<TlsStream>() {
                final PayloadSender sender = new PayloadSender(payload, 32 * 1024, false);
                @Override public void onConnect(TlsStream s) { sender.send(s); }
                @Override public void onDrain(TlsStream s) { sender.send(s); }
                @Override public void onData(TlsStream s, ByteBuffer data) {
                    received[0] += data.remaining();
                    digest.update(data);
                    if (received[0] == payload.length) {
                        s.close();
                        server.close();
                    }
                }
                @Override public void onError(TlsStream s, UvException e) { error.compareAndSet(null, e); }
            });
        });
        if (error.get() != null) {
            System.out.println("FAILED " + error.get());
            System.exit(1);
        }
        System.out.println(Arrays.equals(digest.digest(), Loops.sha256(payload)) ? "OK" : "FAILED digest");
    }
}
