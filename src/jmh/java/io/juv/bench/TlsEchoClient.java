package io.juv.bench;

import io.juv.examples.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.Callable;

/**
 * The load of the TLS echo scenario: one connection, ping-pong of {@code --size}-byte messages
 * (each sent whole, then read back whole) on the JDK's blocking SSLSocket, or on a plain socket
 * with {@code --plain} for juv's own TCP as the baseline. The first {@code --warmup} messages are
 * not timed. Prints {@code messages=M bytes=B seconds=T bytes_per_s=..}.
 *
 * <pre>--port N --size S --messages M --warmup W [--truststore FILE.p12 --password P | --plain]</pre>
 */
@Command(name = "TlsEchoClient", description = "The TLS echo scenario's load: one connection, ping-pong of --size-byte messages on the "
        + "JDK's SSLSocket (or a plain socket); prints messages=M bytes=B seconds=T bytes_per_s=..")
public final class TlsEchoClient implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "N", required = true, description = "the echo server's port on 127.0.0.1")
    private int port;
    @Option(names = "--size", paramLabel = "S", description = "message size in bytes (default: ${DEFAULT-VALUE})")
    private int size = 65536;
    @Option(names = "--messages", paramLabel = "M", description = "messages timed (default: ${DEFAULT-VALUE})")
    private long messages = 10_000;
    @Option(names = "--warmup", paramLabel = "W", description = "messages before the clock starts (default: ${DEFAULT-VALUE})")
    private long warmup = 2_000;
    @Option(names = "--truststore", paramLabel = "FILE.p12", description = "the PKCS#12 store that trusts the server's certificate")
    private Path truststore;
    @Option(names = "--password", paramLabel = "P", description = "the trust store's password (default: empty)")
    private String password = "";
    @Option(names = "--plain", description = "plain TCP, no TLS: the floor TLS is measured against")
    private boolean plain;

    private TlsEchoClient() {}

    public static void main(String[] args) {
        Cli.runAndExit(new TlsEchoClient(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (!plain && truststore == null) throw Cli.usage("--truststore FILE.p12 is needed, unless --plain");
        if (size < 1) throw Cli.usage("--size must be at least 1: " + size);
        try (Socket socket = plain ? new Socket() : tlsSocket(truststore, password)) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            if (socket instanceof SSLSocket tls) tls.startHandshake();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] message = new byte[size];
            byte[] back = new byte[size];
            long start = 0;
            for (long i = 0; i < warmup + messages; i++) {
                if (i == warmup) start = System.nanoTime();
                out.write(message);
                out.flush();
                if (in.readNBytes(back, 0, size) != size) throw new IllegalStateException("the server closed after " + i + " messages");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("messages=%d bytes=%d seconds=%.3f bytes_per_s=%.0f%n", messages, messages * size, seconds,
                    messages * size / seconds);
        }
        return 0;
    }

    private static Socket tlsSocket(Path truststore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory().createSocket();
    }
}
