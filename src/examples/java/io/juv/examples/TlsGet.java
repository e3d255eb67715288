package io.juv.examples;

import io.juv.EventLoop;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TlsException;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;

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
@Command(name = "tls-get", description = "Connects with TLS, shakes hands (verifying the server by default), prints the protocol, "
        + "cipher suite, ALPN protocol and the server's certificate chain, and closes.")
public final class TlsGet implements Callable<Integer> {

    @Option(names = "--ca", paramLabel = "FILE", description = "trust the PEM certificates in FILE instead of the JDK's default ones")
    private Path ca;
    @Option(names = "--servername", paramLabel = "N", description = "the name to send by SNI and verify, instead of HOST")
    private String serverName;
    @Option(names = "--alpn", paramLabel = "P1,P2", split = ",", description = "offer these application protocols")
    private List<String> alpn;
    @Option(names = "--insecure", description = "accept any certificate (INSECURE: for looking at broken servers)")
    private boolean insecure;
    @Parameters(index = "0", paramLabel = "HOST", description = "the server's name or address")
    private String host;
    @Parameters(index = "1", paramLabel = "PORT", description = "its port")
    private int port;

    private TlsGet() {}

    public static void main(String[] args) {
        Cli.runAndExit(new TlsGet(), args);
    }

    @Override
    public Integer call() throws Exception {
        TlsOptions options = TlsOptions.client();
        if (ca != null) {
            try (InputStream in = Files.newInputStream(ca)) {
                options = options.withTrustedCertificates(CertificateFactory.getInstance("X.509")
                        .generateCertificates(in).toArray(X509Certificate[]::new));
            } catch (java.io.IOException | java.security.cert.CertificateException e) {
                throw Cli.usage("cannot read --ca " + ca + ": " + e.getMessage());
            }
        }
        if (serverName != null) options = options.withServerName(serverName);
        if (alpn != null) options = options.withApplicationProtocols(alpn.toArray(String[]::new));
        if (insecure) options = options.insecureTrustAll();
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
        return status[0];
    }
}
