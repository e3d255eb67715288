package io.juv.bench.peers;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * The command line of the TLS echo servers the TLS scenarios compare (juv's TlsEchoServer, Netty's
 * NettyTlsEchoServer), read in one place so that both take the same key store the same way, and
 * the line both print once they listen.
 *
 * <pre>--port N  --keystore FILE.p12  --password P</pre>
 *
 * @param port     0 lets the system choose
 * @param keystore a PKCS#12 (or JKS) key store with the server's certificate and key
 */
public record TlsServerOptions(int port, Path keystore, char[] password) {

    public static TlsServerOptions parse(String[] args) {
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
        if (keystore == null) throw new IllegalArgumentException("--keystore FILE is required");
        return new TlsServerOptions(port, keystore, password.toCharArray());
    }

    public KeyStore keyStore() {
        try {
            return KeyStore.getInstance(keystore.toFile(), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read key store " + keystore + ": " + e.getMessage(), e);
        }
    }

    /** The line the harness waits for, flushed at once. */
    public static void listening(String name, int boundPort) {
        System.out.println(name + " listening on 127.0.0.1:" + boundPort);
        System.out.flush();
    }
}
