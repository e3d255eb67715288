package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TcpServer;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

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
@Command(name = "tls-echo", description = "A TLS echo server: what a client sends under TLS comes back; SIGINT closes it. "
        + "Without --cert its certificate is a self-signed one for localhost, made at start.")
public final class TlsEcho implements Callable<Integer> {

    @Mixin
    private HostPort at = new HostPort("127.0.0.1", 7443);
    @Option(names = "--cert", paramLabel = "FILE", description = "a PKCS#12 or JKS key store, or with --key a PEM certificate chain")
    private String cert;
    @Option(names = "--key", paramLabel = "FILE", description = "the PEM (unencrypted PKCS#8) private key for --cert")
    private String key;
    @Option(names = "--password", paramLabel = "P", description = "the key store's password (default: ${DEFAULT-VALUE})")
    private String password = "changeit";

    private TlsEcho() {}

    public static void main(String[] args) {
        Cli.runAndExit(new TlsEcho(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (key != null && cert == null) throw Cli.usage("--key needs --cert (the certificate chain it is the key of)");
        String host = at.host();
        int port = at.port();
        char[] pw = password.toCharArray();
        KeyStore ks;
        try {
            ks = cert == null ? selfSigned(pw)
                    : key == null ? TlsOptions.loadKeyStore(Path.of(cert), pw)
                    : TlsOptions.pemKeyStore(Path.of(cert), Path.of(key), pw);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(e.getMessage()); // a --cert or --key that cannot be read: what and why, in one line
        }
        TlsOptions options = TlsOptions.server(ks, pw);
        String h = host;
        int p = port;
        EventLoop.start(loop -> {
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
            // After the listen, so that a port in use ends the program with its error on one line (Cli):
            // from here on one peer's trouble must not end the rest.
            loop.catchErrors(true);
            loop.onSignal(Signal.INT, sig -> {
                server.close();
                loop.exit();
            });
            System.out.println("tls echo server listening on " + server.address().getAddress().getHostAddress() + ":" + server.port());
        });
        return 0;
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
