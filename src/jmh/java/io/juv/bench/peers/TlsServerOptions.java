package io.juv.bench.peers;

import io.juv.examples.Cli;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * The command line of the TLS echo servers the TLS scenarios compare (juv's TlsEchoServer, Netty's
 * NettyTlsEchoServer), a picocli mixin, so that both take the same key store the same way; and the
 * line both print once they listen.
 *
 * <pre>--port N  --keystore FILE.p12  --password P</pre>
 */
public final class TlsServerOptions {

    @Option(names = "--port", paramLabel = "N", description = "port on 127.0.0.1 (default: ${DEFAULT-VALUE}: the system chooses)")
    private int port;
    // Not required by picocli: a Netty peer answers --probe without one.
    @Option(names = "--keystore", paramLabel = "FILE.p12", description = "a PKCS#12 (or JKS) key store with the server's certificate and key (required)")
    private Path keystore;
    @Option(names = "--password", paramLabel = "P", description = "the key store's password (default: empty)")
    private String password = "";

    public int port() {
        return port;
    }

    public char[] password() {
        return password.toCharArray();
    }

    /** The key store; one that cannot be read is a usage error (exit status 2), in one line. */
    public KeyStore keyStore() {
        if (keystore == null) throw Cli.usage("--keystore FILE.p12 is required");
        try {
            return KeyStore.getInstance(keystore.toFile(), password());
        } catch (IOException | GeneralSecurityException e) {
            throw Cli.usage("cannot read key store " + keystore + ": " + e.getMessage());
        }
    }

    /** The line the harness waits for, flushed at once. */
    public static void listening(String name, int boundPort) {
        System.out.println(name + " listening on 127.0.0.1:" + boundPort);
        System.out.flush();
    }
}
