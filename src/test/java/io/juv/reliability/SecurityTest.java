package io.juv.reliability;

import io.juv.Loops;
import io.juv.Stream;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import io.juv.net.TlsCerts;
import io.juv.net.TlsException;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's security promises, each tested: TLS clients verify the server by default, however
 * they are made; what a peer sends costs a juv server bounded memory per connection, whatever it
 * sends and however long; a peer's bytes have no path to a JVM crash (the fuzzers, FuzzTest and
 * ApiFuzzTest, cover that in breadth; here a flood of random bytes at a TLS server).
 */
@Timeout(120)
class SecurityTest {

    private static final TlsCerts CERTS = TlsCerts.get();

    /** Every way a client is made, with no trust option set, against a server of a private CA. */
    @ParameterizedTest
    @ValueSource(strings = {"loop.connectTls", "TlsStream.connect", "over a pipe", "caller's SSLContext"})
    void everyTlsClientVerifiesTheServerByDefault(String how, @TempDir Path dir) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Loops.run(loop -> {
            StreamHandler<TlsStream> client = new StreamHandler<>() {
                @Override public void onData(TlsStream s, ByteBuffer data) {}
            };
            CompletableFuture<TlsStream> connected;
            Runnable closeServer;
            if (how.equals("over a pipe")) {
                var server = loop.listenPipe(dir.resolve("tls.sock").toString(), TlsStream.accepting(loop, CERTS.serverOptions(), echo()));
                closeServer = server::close;
                connected = TlsStream.connect(loop, "localhost", 0, TlsOptions.client(), client,
                        h -> loop.connectPipe(dir.resolve("tls.sock").toString(), h));
            } else {
                TcpServer server = TlsStream.listen(loop, "127.0.0.1", 0, CERTS.serverOptions(), echo());
                closeServer = server::close;
                connected = switch (how) {
                    case "loop.connectTls" -> loop.connectTls("localhost", server.port(), TlsOptions.client(), client);
                    case "TlsStream.connect" -> TlsStream.connect(loop, "localhost", server.port(), TlsOptions.client(), client);
                    default -> TlsStream.connect(loop, "localhost", server.port(), TlsOptions.of(defaultContext()), client);
                };
            }
            connected.whenComplete((s, e) -> {
                failure.set(e);
                if (s != null) s.close();
                closeServer.run();
            });
        });
        Throwable e = failure.get();
        assertNotNull(e, how + ": the handshake with an untrusted server succeeded");
        TlsException tls = assertInstanceOf(TlsException.class, e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
        assertEquals(TlsException.Reason.UNTRUSTED_CERTIFICATE, tls.reason(), tls::toString);
    }

    /** The trusted CA is not enough: the certificate must also name the host (endpoint identification "HTTPS"). */
    @ParameterizedTest
    @ValueSource(strings = {"trusted certificates", "caller's SSLContext"})
    void aTrustedCertificateForAnotherHostIsRefused(String how) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        TlsOptions options = how.equals("trusted certificates") ? CERTS.clientOptions() : TlsOptions.of(trusting());

        Loops.run(loop -> {
            TcpServer server = TlsStream.listen(loop, "127.0.0.1", 0, CERTS.serverOptions(), echo());
            loop.connectTls("127.0.0.1", server.port(), options.withServerName("wrong.test"), new StreamHandler<TlsStream>() {
                @Override public void onData(TlsStream s, ByteBuffer data) {}
            }).whenComplete((s, e) -> {
                failure.set(e);
                if (s != null) s.close();
                server.close();
            });
        });
        Throwable e = failure.get();
        assertNotNull(e, "a certificate for localhost was taken for wrong.test");
        TlsException tls = assertInstanceOf(TlsException.class, e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
        assertEquals(TlsException.Reason.HOSTNAME_MISMATCH, tls.reason(), tls::toString);
    }

    /**
     * Peers push up to 16 MB each, never reading, at a server that stops reading them after its
     * first read: juv holds no more for them than its buffers (the kernel holds the rest and
     * slows the peers down), so neither native memory nor the heap grows with what they send.
     * Plain TCP and TLS.
     */
    @Reliability
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void whatAPeerSendsCostsBoundedMemory(boolean tls) throws Exception {
        int peers = 20;
        long perPeer = 16L << 20;
        AtomicLong received = new AtomicLong();
        long[] base = new long[2];
        long[] held = new long[2];
        Loops.run(loop -> {
            List<Stream> accepted = new ArrayList<>();
            StreamHandler<Stream> pausing = new StreamHandler<>() {
                @Override public void onConnect(Stream s) { accepted.add(s); }
                @Override public void onData(Stream s, ByteBuffer data) {
                    received.addAndGet(data.remaining());
                    s.pause(); // takes one read, then leaves the peer's bytes to the kernel
                }
                @Override public void onError(Stream s, UvException e) {}
            };
            @SuppressWarnings({"unchecked", "rawtypes"})
            TcpServer server = tls ? TlsStream.listen(loop, "127.0.0.1", 0, CERTS.serverOptions(), (StreamHandler) pausing)
                                   : loop.listen("127.0.0.1", 0, (StreamHandler) pausing);
            int port = server.port();
            base[0] = loop.stats().nativeBytes();
            base[1] = heapAfterGc();
            for (int i = 0; i < peers; i++) Thread.ofPlatform().daemon().start(() -> push(port, tls, perPeer));
            Thread.ofPlatform().daemon().start(() -> {
                long last = -1;
                try {
                    for (int quiet = 0; quiet < 4 && last < peers * perPeer; Thread.sleep(500)) { // 2 s without a byte taken
                        long now = received.get();
                        quiet = now == last ? quiet + 1 : 0;
                        last = now;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                held[1] = heapAfterGc();
                loop.execute(() -> {
                    held[0] = loop.stats().nativeBytes();
                    accepted.forEach(Stream::closeNow); // the peers' writes fail: they end
                    server.close();
                });
            });
        });
        long pushedAtMost = peers * perPeer;
        assertTrue(received.get() < pushedAtMost / 4, "the server read " + received.get() + " of up to " + pushedAtMost + " bytes");
        assertTrue(held[0] - base[0] < 4L << 20, "native bytes grew by " + (held[0] - base[0]));
        assertTrue(held[1] - base[1] < 64L << 20, "the heap grew by " + (held[1] - base[1]) + " bytes");
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void push(int port, boolean tls, long bytes) {
        byte[] chunk = new byte[64 * 1024];
        new SecureRandom().nextBytes(chunk);
        try (Socket s = tls ? trusting().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)
                            : new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < bytes; sent += chunk.length) out.write(chunk);
        } catch (Exception e) {
            // the server closed it: the test is over
        }
    }

    /** A client context of the JDK's own that trusts the test CA. */
    private static SSLContext trusting() throws Exception {
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", CERTS.ca);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static StreamHandler<TlsStream> echo() {
        return new StreamHandler<>() {
            @Override public void onData(TlsStream s, ByteBuffer data) { s.write(Loops.bytes(data)); }
            @Override public void onError(TlsStream s, UvException e) {}
        };
    }
}
