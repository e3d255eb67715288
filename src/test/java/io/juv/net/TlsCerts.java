package io.juv.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for TLS tests, made once per JVM with the JDK's keytool (no dependency): a CA, leaves
 * it signed (localhost, an expired one, other.test, a client), and a self-signed one nobody trusts.
 * Every key is EC P-256 but {@link #rsaServer()}'s, made on first use.
 */
public final class TlsCerts {

    public static final char[] PASSWORD = "changeit".toCharArray();
    private static TlsCerts made;

    public final Path dir;
    public final X509Certificate ca;
    /** localhost and 127.0.0.1, signed by the CA. */
    public final KeyStore server;
    public final KeyStore expired;
    /** other.test, signed by the CA: a second name for SNI. */
    public final KeyStore other;
    /** CN=client, signed by the CA, for mutual TLS. */
    public final KeyStore client;
    /** Self-signed, localhost. */
    public final KeyStore untrusted;
    private KeyStore rsaServer;

    /**
     * Names a directory of certificates a TlsCerts made before, for a JVM a test starts (say with a
     * security property of its own): it loads them instead of making its own with a dozen keytool runs.
     */
    public static final String DIR_PROPERTY = "juv.test.tls-certs";

    public static synchronized TlsCerts get() {
        if (made == null) {
            String existing = System.getProperty(DIR_PROPERTY);
            made = new TlsCerts(existing == null ? null : Path.of(existing));
        }
        return made;
    }

    /** The system property that lets another JVM use these certificates: {@code -D...=dir}. */
    public String shareWithAnotherJvm() {
        return "-D" + DIR_PROPERTY + "=" + dir;
    }

    private TlsCerts(Path existing) {
        try {
            if (existing == null) {
                dir = Files.createTempDirectory("juv-tls-");
                dir.toFile().deleteOnExit();
                make();
            } else {
                dir = existing;
            }
            try (var in = Files.newInputStream(dir.resolve("ca.pem"))) {
                ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            server = load("server");
            expired = load("expired");
            other = load("other");
            client = load("client");
            untrusted = load("untrusted");
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private void make() throws IOException {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=juv test CA",
                "-ext", "bc:c", "-validity", "30", "-keystore", p("ca.p12"));
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", p("ca.p12"), "-file", p("ca.pem"));
        leaf("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1", null, "30");
        leaf("expired", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1", "-10d", "2");
        leaf("other", "CN=other.test", "SAN=dns:other.test", null, "30");
        leaf("client", "CN=client", null, null, "30");
        keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30", "-keystore", p("untrusted.p12"));
    }

    private KeyStore load(String name) {
        return TlsOptions.loadKeyStore(file(name), PASSWORD);
    }

    /** The PKCS#12 file of a store made here: "server", "client", ... */
    public Path file(String name) {
        return dir.resolve(name + ".p12");
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** localhost and 127.0.0.1 on an RSA 2048 key, signed by the CA: the costlier handshake (an RSA signature per connection). */
    public synchronized KeyStore rsaServer() {
        if (rsaServer == null) {
            try {
                if (!Files.exists(file("rsa-server")))
                    leaf("rsa-server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1", null, "30", "-keyalg", "RSA", "-keysize", "2048");
                rsaServer = load("rsa-server");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return rsaServer;
    }

    private void leaf(String name, String dname, String san, String start, String validity) throws IOException {
        leaf(name, dname, san, start, validity, "-keyalg", "EC", "-groupname", "secp256r1");
    }

    private void leaf(String name, String dname, String san, String start, String validity, String... key) throws IOException {
        String ks = p(name + ".p12");
        List<String> genkey = new ArrayList<>(List.of("-genkeypair", "-alias", "leaf"));
        genkey.addAll(List.of(key));
        genkey.addAll(List.of("-dname", dname, "-keystore", ks));
        keytool(genkey.toArray(String[]::new));
        keytool("-certreq", "-alias", "leaf", "-keystore", ks, "-file", p(name + ".csr"));
        List<String> gen = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", p("ca.p12"),
                "-infile", p(name + ".csr"), "-outfile", p(name + ".pem"), "-validity", validity));
        if (san != null) gen.addAll(List.of("-ext", san));
        if (start != null) gen.addAll(List.of("-startdate", start));
        keytool(gen.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", p("ca.pem"), "-keystore", ks);
        keytool("-importcert", "-noprompt", "-alias", "leaf", "-file", p(name + ".pem"), "-keystore", ks);
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", new String(PASSWORD), "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) throw new IOException("keytool " + String.join(" ", args) + ": " + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    public TlsOptions serverOptions() {
        return TlsOptions.server(server, PASSWORD);
    }

    public TlsOptions clientOptions() {
        return TlsOptions.client().withTrustedCertificates(ca);
    }
}
