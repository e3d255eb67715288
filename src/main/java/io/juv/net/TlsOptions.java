package io.juv.net;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * How a TLS stream is made: the keys and trust (the caller's {@link SSLContext}, or one built
 * from a key store or PEM files), protocols, ALPN, client certificates, SNI and the handshake's
 * timeout. Immutable: each {@code with...} returns a changed copy.
 *
 * <p>A client verifies the server's certificate chain and host name by default (endpoint
 * identification "HTTPS", SNI sent); only {@link #insecureTrustAll()} turns that off.
 *
 * <pre>{@code
 * loop.connectTls("example.org", 443, TlsOptions.client().withApplicationProtocols("http/1.1"), handler);
 *
 * KeyStore keys = TlsOptions.pemKeyStore(Path.of("cert.pem"), Path.of("key.pem"), password);
 * loop.listenTls("0.0.0.0", 8443, TlsOptions.server(keys, password), handler);
 * }</pre>
 *
 * <p>The context is built from the options on first use, once per options object: a key store
 * that does not work fails the {@code connect} or {@code accepting} call that first needs it with
 * an {@link IllegalArgumentException}. Options objects are safe to share between threads and loops.
 */
public final class TlsOptions implements Cloneable {

    /** Whether a server asks for client certificates (mutual TLS). */
    public enum ClientAuth {
        /** The server asks for no certificate (the default). */
        NONE,
        /** The server asks for one, and goes on without it if the client sends none. */
        OPTIONAL,
        /** The server requires one: the handshake fails without it ({@link TlsException.Reason#CLIENT_CERTIFICATE_REFUSED}). */
        REQUIRED
    }

    /** Delegated tasks (certificate checks, key exchange) run here by default: one virtual thread each. */
    private static final Executor VIRTUAL_THREADS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("juv-tls-task-", 0).factory());

    private SSLContext context;
    private KeyStore keyStore;
    private char[] keyPassword;
    private KeyStore trustStore;
    private boolean trustAll;
    private Map<String, KeyStore> sniKeyStores = Map.of();
    private String[] protocols;
    private String[] cipherSuites;
    private String[] applicationProtocols;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private String serverName;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Executor executor = VIRTUAL_THREADS;
    /** Built once per options object, on first use. */
    private volatile SSLContext built;

    private TlsOptions() {}

    /** {@return a client's options: the JDK's default trust (cacerts), verification on} */
    public static TlsOptions client() {
        return new TlsOptions();
    }

    /**
     * {@return a server's options on the certificate and key in a key store (PKCS#12 or JKS)}
     *
     * @param keyStore the store with the server's private key and certificate chain
     * @param password the key's password (copied; null: none)
     */
    public static TlsOptions server(KeyStore keyStore, char[] password) {
        return new TlsOptions().withKeyStore(keyStore, password);
    }

    /**
     * {@return a server's or client's options on the caller's context}
     *
     * @param context the context to make engines with, as it is
     */
    public static TlsOptions of(SSLContext context) {
        return new TlsOptions().withContext(context);
    }

    private TlsOptions copy() {
        try {
            TlsOptions c = (TlsOptions) super.clone();
            c.built = null;
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@return a copy that uses this context as it is} Key store and trust store settings are
     * then ignored; with {@link #insecureTrustAll()} as well, the context itself is not used.
     *
     * @param context the context to make engines with
     */
    public TlsOptions withContext(SSLContext context) {
        TlsOptions o = copy();
        o.context = Objects.requireNonNull(context, "context");
        return o;
    }

    /**
     * {@return a copy with the certificate (chain) and private key to present} A server's, or a
     * client's for mutual TLS.
     *
     * @param keyStore the store with the private key and certificate chain
     * @param password the key's password (copied; null: none)
     */
    public TlsOptions withKeyStore(KeyStore keyStore, char[] password) {
        TlsOptions o = copy();
        o.keyStore = Objects.requireNonNull(keyStore, "keyStore");
        o.keyPassword = password == null ? new char[0] : password.clone();
        return o;
    }

    /**
     * Reads a PKCS#12 or JKS key store file (the type is detected).
     *
     * @param file     the key store file
     * @param password the store's password
     * @return the loaded store
     * @throws IllegalArgumentException when the file cannot be read or is no key store (the cause says why)
     */
    public static KeyStore loadKeyStore(Path file, char[] password) {
        try {
            return KeyStore.getInstance(Objects.requireNonNull(file, "file").toFile(), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("juv: cannot read key store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key store holding the certificate chain of a PEM file (leaf first) and the unencrypted
     * PKCS#8 private key ("BEGIN PRIVATE KEY", RSA or EC) of another, under the alias "key" and
     * the given password.
     *
     * @param certificates the PEM file of the certificate chain, leaf first
     * @param privateKey   the PEM file of the unencrypted PKCS#8 key
     * @param password     the password to store the key under
     * @return a PKCS#12 store in memory
     * @throws IllegalArgumentException when a file cannot be read, holds no certificate or no such
     *                                  key, or the key does not suit the certificate's algorithm
     */
    public static KeyStore pemKeyStore(Path certificates, Path privateKey, char[] password) {
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(privateKey, "privateKey");
        try {
            List<? extends Certificate> chain;
            try (var in = Files.newInputStream(certificates)) {
                chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) throw new IllegalArgumentException("juv: no certificate in " + certificates);
            String pem = Files.readString(privateKey);
            int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----"), end = pem.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin)
                throw new IllegalArgumentException("juv: no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in " + privateKey);
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            String algorithm = chain.get(0).getPublicKey().getAlgorithm();
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("juv: cannot read PEM " + certificates + ", " + privateKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@return a copy that trusts the certificates of this store instead of the JDK's default ones}
     *
     * @param trustStore the trusted certificates
     */
    public TlsOptions withTrustStore(KeyStore trustStore) {
        TlsOptions o = copy();
        o.trustStore = Objects.requireNonNull(trustStore, "trustStore");
        return o;
    }

    /**
     * {@return a copy that trusts these certificates (a private CA, say) instead of the JDK's default ones}
     *
     * @param certificates the trusted certificates, none null
     */
    public TlsOptions withTrustedCertificates(X509Certificate... certificates) {
        nonNullElements(certificates, "certificates");
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < certificates.length; i++) ts.setCertificateEntry("trusted-" + i, certificates[i]);
            return withTrustStore(ts);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * INSECURE: accepts any certificate for any name, so anyone on the path can read and change
     * the traffic. For tests and for talking to a known host by a pinned route only.
     *
     * @return a copy that trusts every certificate and checks no host name
     */
    public TlsOptions insecureTrustAll() {
        TlsOptions o = copy();
        o.trustAll = true;
        return o;
    }

    /**
     * A server: presents the certificate of {@code keyStore} to clients asking for
     * {@code hostName} by SNI (exact, case-insensitive); others get {@link #withKeyStore}'s.
     * Every store's key password is the one given to {@link #withKeyStore} (or empty).
     *
     * @param hostName the name a client asks for
     * @param keyStore the private key and certificate chain to present for it
     * @return a copy with that name added (or replaced)
     */
    public TlsOptions withSniKeyStore(String hostName, KeyStore keyStore) {
        TlsOptions o = copy();
        Map<String, KeyStore> m = new LinkedHashMap<>(sniKeyStores);
        m.put(Objects.requireNonNull(hostName, "hostName").toLowerCase(java.util.Locale.ROOT), Objects.requireNonNull(keyStore, "keyStore"));
        o.sniKeyStores = Map.copyOf(m);
        return o;
    }

    /**
     * {@return a copy that allows only these protocol versions} Such as {@code "TLSv1.3", "TLSv1.2"}
     * (default: the JDK's).
     *
     * @param protocols the versions, by the JDK's names
     */
    public TlsOptions withProtocols(String... protocols) {
        TlsOptions o = copy();
        o.protocols = nonNullElements(protocols, "protocols").clone();
        return o;
    }

    /**
     * {@return a copy that allows only these cipher suites} By the JDK's names (default: the JDK's).
     *
     * @param cipherSuites the suites, such as {@code "TLS_AES_128_GCM_SHA256"}
     */
    public TlsOptions withCipherSuites(String... cipherSuites) {
        TlsOptions o = copy();
        o.cipherSuites = nonNullElements(cipherSuites, "cipherSuites").clone();
        return o;
    }

    /**
     * {@return a copy with these application protocols (ALPN)} A client's offer in order of
     * preference, or the protocols a server takes; {@link TlsStream#applicationProtocol()} tells
     * which was agreed.
     *
     * @param applicationProtocols the protocols, such as {@code "h2", "http/1.1"}
     */
    public TlsOptions withApplicationProtocols(String... applicationProtocols) {
        TlsOptions o = copy();
        o.applicationProtocols = nonNullElements(applicationProtocols, "applicationProtocols").clone();
        return o;
    }

    /** The array, refused by name when it or an element is null ("protocols[1]"), as the rest of the API refuses a null. */
    private static <T> T[] nonNullElements(T[] a, String name) {
        Objects.requireNonNull(a, name);
        for (int i = 0; i < a.length; i++) if (a[i] == null) throw new NullPointerException(name + "[" + i + "]");
        return a;
    }

    /**
     * {@return a copy in which a server asks clients for certificates, or not} The certificates are
     * checked against the trust store.
     *
     * @param clientAuth whether it asks, and whether it requires one
     */
    public TlsOptions withClientAuth(ClientAuth clientAuth) {
        TlsOptions o = copy();
        o.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
        return o;
    }

    /**
     * {@return a copy in which a client sends this name by SNI and checks the certificate against
     * it, instead of the host connected to}
     *
     * @param serverName the server's host name
     */
    public TlsOptions withServerName(String serverName) {
        TlsOptions o = copy();
        o.serverName = Objects.requireNonNull(serverName, "serverName");
        return o;
    }

    /**
     * {@return a copy with another handshake timeout} The handshake fails with TIMED_OUT after
     * this (from the connection's start); zero: no limit. Default 10 s.
     *
     * @param timeout the limit, not negative
     * @throws IllegalArgumentException for a negative timeout
     */
    public TlsOptions withHandshakeTimeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        TlsOptions o = copy();
        o.handshakeTimeout = timeout;
        return o;
    }

    /**
     * {@return a copy whose engines' delegated tasks run on this executor} Never on the loop;
     * default: a virtual thread each.
     *
     * @param executor runs the certificate checks and key exchanges
     */
    public TlsOptions withExecutor(Executor executor) {
        TlsOptions o = copy();
        o.executor = Objects.requireNonNull(executor, "executor");
        return o;
    }

    Executor executor() {
        return executor;
    }

    long handshakeTimeoutMillis() {
        long ms = handshakeTimeout.toMillis();
        return ms == 0 && !handshakeTimeout.isZero() ? 1 : ms;
    }

    String serverName() {
        return serverName;
    }

    // ------------------------------------------------------------------ building

    SSLContext context() {
        SSLContext c = built;
        if (c == null) built = c = build();
        return c;
    }

    private SSLContext build() {
        if (context != null && !trustAll) return context;
        try {
            if (context == null && keyStore == null && trustStore == null && !trustAll && sniKeyStores.isEmpty())
                return SSLContext.getDefault();
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keyManagers(), trustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("juv: cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private KeyManager[] keyManagers() throws GeneralSecurityException {
        if (keyStore == null && sniKeyStores.isEmpty()) return null;
        char[] pw = keyPassword == null ? new char[0] : keyPassword;
        javax.net.ssl.X509KeyManager fallback = keyStore == null ? null : SniKeyManager.of(keyStore, pw);
        if (sniKeyStores.isEmpty()) return new KeyManager[] {fallback};
        Map<String, javax.net.ssl.X509KeyManager> byName = new LinkedHashMap<>();
        for (var e : sniKeyStores.entrySet()) byName.put(e.getKey(), SniKeyManager.of(e.getValue(), pw));
        return new KeyManager[] {new SniKeyManager(byName, fallback)};
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException {
        if (trustAll) return new TrustManager[] {new TrustAll()};
        if (trustStore == null) return null;
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        return tmf.getTrustManagers();
    }

    /** A new engine for one connection, with verification, SNI, ALPN and client auth set. */
    SSLEngine newEngine(boolean client, String host, int port) {
        SSLContext c = context();
        String name = serverName != null ? serverName : host;
        SSLEngine e = client && name != null ? c.createSSLEngine(name, port) : c.createSSLEngine();
        e.setUseClientMode(client);
        SSLParameters p = e.getSSLParameters();
        if (protocols != null) p.setProtocols(protocols);
        if (cipherSuites != null) p.setCipherSuites(cipherSuites);
        if (applicationProtocols != null) p.setApplicationProtocols(applicationProtocols);
        if (client) {
            if (!trustAll) p.setEndpointIdentificationAlgorithm("HTTPS");
            if (name != null && !isIpLiteral(name)) p.setServerNames(List.of(new SNIHostName(name)));
        } else {
            if (clientAuth == ClientAuth.REQUIRED) p.setNeedClientAuth(true);
            else if (clientAuth == ClientAuth.OPTIONAL) p.setWantClientAuth(true);
        }
        e.setSSLParameters(p);
        return e;
    }

    private static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

    static KeyManagerFactory keyManagerFactory(KeyStore ks, char[] pw) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf;
    }
}
