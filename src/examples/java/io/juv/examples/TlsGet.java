package io.juv.examples;

import io.juv.EventLoop;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TlsException;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A TLS client that connects, shakes hands (verifying the server by default), prints the
 * negotiated protocol, cipher suite, ALPN protocol and the server's certificate chain, and closes.
 * Exits 0 on success, 1 when the handshake fails (the reason is printed).
 *
 * <pre>
 * make example NAME=tls-get ARGS='example.org 443'
 * make example NAME=tls-get ARGS='--ca cert.pem localhost 4433'     # against openssl s_server
 * </pre>
 *
 * <pre>
 * --ca FILE          trust the PEM certificates in FILE instead of the JDK's default ones
 * --servername N     the name to send by SNI and verify, instead of HOST
 * --alpn P1,P2       offer these application protocols
 * --insecure         accept any certificate (INSECURE: for looking at broken servers)
 * </pre>
 */
public final class TlsGet {

    private TlsGet() {}

    public static void main(String[] args) throws Exception {
        TlsOptions options = TlsOptions.client();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ca" -> {
                    try (InputStream in = Files.newInputStream(Path.of(args[++i]))) {
                        options = options.withTrustedCertificates(CertificateFactory.getInstance("X.509")
                                .generateCertificates(in).toArray(X509Certificate[]::new));
                    }
                }
                case "--servername" -> options = options.withServerName(args[++i]);
                case "--alpn" -> options = options.withApplicationProtocols(args[++i].split(","));
                case "--insecure" -> options = options.insecureTrustAll();
                default -> rest.add(args[i]);
            }
        }
        if (rest.size() != 2) {
            System.err.println("usage: tls-get [--ca FILE] [--servername N] [--alpn P1,P2] [--insecure] HOST PORT");
            System.exit(2);
        }
        String host = rest.get(0);
        int port = Integer.parseInt(rest.get(1));
        int[] status = {1};
        TlsOptions o = options;
        EventLoop.start(loop -> loop.connectTls(host, port, o, new StreamHandler<TlsStream>() {
            @Override public void onConnect(TlsStream s) {
                System.out.println("protocol: " + s.protocol());
                System.out.println("cipher: " + s.cipherSuite());
                System.out.println("alpn: " + (s.applicationProtocol().isEmpty() ? "(none)" : s.applicationProtocol()));
                int i = 0;
                for (Certificate c : s.peerCertificates()) {
                    X509Certificate x = (X509Certificate) c;
                    System.out.println("certificate " + i++ + ": " + x.getSubjectX500Principal().getName()
                            + "  issued by " + x.getIssuerX500Principal().getName() + "  until " + x.getNotAfter().toInstant());
                }
                status[0] = 0;
                s.close();
            }
            @Override public void onData(TlsStream s, ByteBuffer data) {}
            @Override public void onError(TlsStream s, UvException e) {
                System.out.println("failed: " + e.getMessage()
                        + (e instanceof TlsException t ? " [" + t.reason() + "]" : " [" + e.kind() + "]"));
            }
        }));
        System.exit(status[0]);
    }
}
