package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TcpServer;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * A TLS echo server: what a client sends under TLS comes back to it, with backpressure as in
 * {@link Echo}. Its certificate is a self-signed one made at start (for localhost and 127.0.0.1,
 * with the JDK's keytool) unless one is given.
 *
 * <pre>
 * make example NAME=tls-echo ARGS='--port 7443'
 * openssl s_client -connect 127.0.0.1:7443 -quiet
 * </pre>
 *
 * <pre>
 * --host ADDR        bind address (default 127.0.0.1)
 * --port N           port (default 7443; 0 lets the system choose)
 * --cert FILE        a PKCS#12 or JKS key store, or with --key a PEM certificate chain
 * --key FILE         the PEM (unencrypted PKCS#8) private key for --cert
 * --password P       the key store's password (default changeit)
 * </pre>
 */
public final class TlsEcho {

    private TlsEcho() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1", cert = null, key = null, password = "changeit";
        int port = 7443;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--cert" -> cert = args[++i];
                case "--key" -> key = args[++i];
                case "--password" -> password = args[++i];
                default -> {
                    System.err.println("unknown option " + args[i] + "; options: --host ADDR --port N --cert FILE [--key FILE] --password P");
                    System.exit(2);
                }
            }
        }
        char[] pw = password.toCharArray();
        KeyStore ks = cert == null ? selfSigned(pw)
                : key == null ? TlsOptions.loadKeyStore(Path.of(cert), pw)
                : TlsOptions.pemKeyStore(Path.of(cert), Path.of(key), pw);
        TlsOptions options = TlsOptions.server(ks, pw);
        String h = host;
        int p = port;
        EventLoop.start(loop -> {
            loop.catchErrors(true);
            TcpServer server = loop.listenTls(h, p, options, new StreamHandler<TlsStream>() {
                @Override public void onData(TlsStream s, ByteBuffer data) {
                    if (!s.write(data)) s.pause();
                }
                @Override public void onDrain(TlsStream s) { s.resume(); }
                @Override public void onConnect(TlsStream s) {
                    System.out.println("client " + s.remoteAddress() + ": " + s.protocol() + " " + s.cipherSuite());
                }
                @Override public void onError(TlsStream s, UvException e) {
                    System.out.println("client failed: " + e.getMessage());
                }
            });
            loop.onSignal(Signal.INT, sig -> {
                server.close();
                loop.exit();
            });
            System.out.println("tls echo server listening on " + server.address().getAddress().getHostAddress() + ":" + server.port());
        });
    }

    /** A self-signed certificate for localhost and 127.0.0.1, made by the JDK's keytool; its fingerprint is printed. */
    static KeyStore selfSigned(char[] pw) throws Exception {
        Path dir = Files.createTempDirectory("juv-tls-echo-");
        Path file = dir.resolve("echo.p12");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "echo", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30", "-keystore", file.toString(),
                "-storetype", "PKCS12", "-storepass", new String(pw))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore ks = TlsOptions.loadKeyStore(file, pw);
        Files.delete(file);
        Files.delete(dir);
        X509Certificate c = (X509Certificate) ks.getCertificate("echo");
        System.out.println("self-signed certificate " + c.getSubjectX500Principal().getName() + ", SHA-256 "
                + HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded())));
        return ks;
    }
}
