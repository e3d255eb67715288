package io.juv.examples;

import io.juv.Loops;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** tls-echo and tls-get against a TLS implementation no one here wrote: Debian's openssl (CI installs it). */
@Timeout(90)
class TlsExamplesTest {

    private static final int TEN_MB = 10 * 1024 * 1024;
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void destroyEverythingStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void assumeOpenssl() {
        boolean found = false;
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            found = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            // not installed
        }
        assumeTrue(found, "openssl is not installed (apt-get install openssl); .ci/run installs it");
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private Process example(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command).redirectErrorStream(true));
    }

    private static int listeningPort(BufferedReader out) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) return Integer.parseInt(m.group(2));
        }
        throw new AssertionError("the server never said where it listens");
    }

    /** A self-signed certificate and key for localhost and 127.0.0.1, made by openssl itself. */
    private Path[] opensslCertificate() throws Exception {
        Path cert = dir.resolve("c.pem"), key = dir.resolve("k.pem");
        Process p = start(new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1").redirectErrorStream(true));
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return new Path[] {cert, key};
    }

    private Process sServer(Path[] certKey, int port, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certKey[0].toString(), "-key", certKey[1].toString(), "-quiet"));
        cmd.addAll(List.of(more));
        Process p = start(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) { // listening once a plain connect succeeds
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return p;
            } catch (IOException notYet) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "openssl s_server did not start");
                Thread.sleep(50);
            }
        }
    }

    @Test
    void tlsEchoSendsTenMegabytesBackToOpensslSClient() throws Exception {
        assumeOpenssl();
        byte[] payload = Loops.random(TEN_MB, 21);
        Path input = dir.resolve("payload");
        Files.write(input, payload);
        Process echo = example(TlsEcho.class, "--port", "0");
        int port = listeningPort(new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8)));
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            Process client = start(new ProcessBuilder("openssl", "s_client", version, "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-quiet", "-verify_quiet")
                    .redirectInput(input.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD));
            MessageDigest md = Loops.sha256();
            InputStream in = client.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            while (total < TEN_MB) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, TEN_MB - total));
                if (n < 0) break;
                md.update(buf, 0, n);
                total += n;
            }
            client.destroy();
            assertEquals(TEN_MB, total, version);
            assertArrayEquals(Loops.sha256(payload), md.digest(), version);
        }
    }

    @Test
    void tlsGetPrintsWhatOpensslSServerNegotiated() throws Exception {
        assumeOpenssl();
        Path[] certKey = opensslCertificate();
        int port = Loops.closedPort();
        sServer(certKey, port, "-alpn", "h2,http/1.1");
        Process get = example(TlsGet.class, "--ca", certKey[0].toString(), "--alpn", "http/1.1", "localhost", Integer.toString(port));
        String out = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(get.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, get.exitValue(), out);
        assertTrue(out.contains("protocol: TLSv1.3"), out);
        assertTrue(out.contains("alpn: http/1.1"), out);
        assertTrue(out.contains("certificate 0: CN=localhost  issued by CN=localhost"), out);

        Process wrong = example(TlsGet.class, "--ca", certKey[0].toString(), "--servername", "wrong.test", "127.0.0.1", Integer.toString(port));
        String refused = new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(wrong.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, wrong.exitValue(), refused);
        assertTrue(refused.contains("HOSTNAME_MISMATCH"), refused);

        Process untrusted = example(TlsGet.class, "localhost", Integer.toString(port));
        String out3 = new String(untrusted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(untrusted.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, untrusted.exitValue(), out3);
        assertTrue(out3.contains("UNTRUSTED_CERTIFICATE"), out3);
    }

    @Test
    void juvSendsTenMegabytesToOpensslSServer() throws Exception {
        assumeOpenssl();
        Path[] certKey = opensslCertificate();
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(certKey[0])) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        int port = Loops.closedPort();
        Process server = sServer(certKey, port);
        byte[] payload = Loops.random(TEN_MB, 22);
        AtomicReference<UvException> error = new AtomicReference<>();
        // s_server -quiet prints what it receives: hash its output on another thread.
        AtomicReference<byte[]> digest = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                MessageDigest md = Loops.sha256();
                InputStream in = server.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                while (total < TEN_MB) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, TEN_MB - total));
                    if (n < 0) break;
                    md.update(buf, 0, n);
                    total += n;
                }
                digest.set(md.digest());
            } catch (IOException e) {
                // the digest stays unset
            }
        });
        Loops.run(loop -> loop.connectTls("localhost", port, TlsOptions.client().withTrustedCertificates(ca), new StreamHandler<TlsStream>() {
            int sent;
            @Override public void onConnect(TlsStream s) { send(s); }
            @Override public void onDrain(TlsStream s) { send(s); }
            private void send(TlsStream s) {
                while (sent < payload.length) {
                    int n = Math.min(256 * 1024, payload.length - sent);
                    boolean more = s.write(ByteBuffer.wrap(payload, sent, n));
                    sent += n;
                    if (sent == payload.length) {
                        s.close(); // after the queued writes: close_notify
                        return;
                    }
                    if (!more) return;
                }
            }
            @Override public void onData(TlsStream s, ByteBuffer data) {}
            @Override public void onError(TlsStream s, UvException e) { error.set(e); }
        }));
        reader.join(30_000);
        assertNull(error.get());
        assertArrayEquals(Loops.sha256(payload), digest.get());
    }
}
