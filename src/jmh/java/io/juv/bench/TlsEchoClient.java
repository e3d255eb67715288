package io.juv.bench;

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

/**
 * The load of the TLS echo scenario: one connection, ping-pong of {@code --size}-byte messages
 * (each sent whole, then read back whole) on the JDK's blocking SSLSocket, or on a plain socket
 * with {@code --plain} for juv's own TCP as the baseline. The first {@code --warmup} messages are
 * not timed. Prints {@code messages=M bytes=B seconds=T bytes_per_s=..}.
 *
 * <pre>--port N --size S --messages M --warmup W [--truststore FILE.p12 --password P | --plain]</pre>
 */
public final class TlsEchoClient {

    public static void main(String[] args) throws Exception {
        int port = 0, size = 65536;
        long messages = 10_000, warmup = 2_000;
        Path truststore = null;
        String password = "";
        boolean plain = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                case "--truststore" -> truststore = Path.of(args[++i]);
                case "--password" -> password = args[++i];
                case "--plain" -> plain = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
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
