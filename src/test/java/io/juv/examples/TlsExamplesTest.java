package io.juv.examples;

import io.juv.Loops;
import io.juv.StreamHandler;
import io.juv.UvException;
import io.juv.net.PayloadSender;
import io.juv.net.TlsOptions;
import io.juv.net.TlsStream;
import io.juv.Programs;
import io.juv.Programs.Running;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** tls-echo and tls-get against a TLS implementation no one here wrote: Debian's openssl (CI installs it). */
@Timeout(90)
class TlsExamplesTest {

    private static final int TEN_MB = 10 * 1024 * 1024;

    @RegisterExtension
    final Programs programs = new Programs();

    @TempDir
    Path dir;

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
        return programs.start(pb);
    }

    private Path[] opensslCertificate() throws Exception {
        return opensslCertificate("ec");
    }

    /** A self-signed certificate and its PKCS#8 key ("ec": P-256, "rsa": 2048 bits) for localhost and 127.0.0.1, made by openssl itself. */
    private Path[] opensslCertificate(String type) throws Exception {
        Path cert = dir.resolve(type + "-cert.pem"), key = dir.resolve(type + "-key.pem");
        List<String> newKey = type.equals("rsa") ? List.of("-newkey", "rsa:2048") : List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509"));
        cmd.addAll(newKey);
        cmd.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1"));
        Process p = start(new ProcessBuilder(cmd).redirectErrorStream(true));
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return new Path[] {cert, key};
    }

    /** openssl s_server -quiet on a certificate openssl made, and that certificate, for a client to trust. */
    record SServer(Process process, int port, X509Certificate ca) {}

    private SServer sServer() throws Exception {
        Path[] certKey = opensslCertificate();
        int port = Loops.closedPort();
        return new SServer(sServer(certKey, port), port, certificate(certKey[0]));
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
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
        Running echo = programs.java(TlsEcho.class, "--port", "0");
        int port = Programs.listeningPort(echo);
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            Process client = start(new ProcessBuilder("openssl", "s_client", version, "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-quiet", "-verify_quiet")
                    .redirectInput(input.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD));
            byte[] digest = Loops.sha256(client.getInputStream(), TEN_MB);
            client.destroy();
            assertArrayEquals(Loops.sha256(payload), digest, version);
        }
    }

    @Test
    void tlsGetPrintsWhatOpensslSServerNegotiated() throws Exception {
        assumeOpenssl();
        Path[] certKey = opensslCertificate();
        int port = Loops.closedPort();
        sServer(certKey, port, "-alpn", "h2,http/1.1");
        Running get = programs.java(TlsGet.class, "--ca", certKey[0].toString(), "--alpn", "http/1.1", "localhost", Integer.toString(port));
        String out = get.output();
        assertEquals(0, get.waitForExit(), out);
        assertTrue(out.contains("protocol: TLSv1.3"), out);
        assertTrue(out.contains("alpn: http/1.1"), out);
        assertTrue(out.contains("certificate 0: CN=localhost  issued by CN=localhost"), out);

        Running wrong = programs.java(TlsGet.class, "--ca", certKey[0].toString(), "--servername", "wrong.test", "127.0.0.1", Integer.toString(port));
        String refused = wrong.output();
        assertEquals(1, wrong.waitForExit(), refused);
        assertTrue(refused.contains("HOSTNAME_MISMATCH"), refused);

        Running untrusted = programs.java(TlsGet.class, "localhost", Integer.toString(port));
        String out3 = untrusted.output();
        assertEquals(1, untrusted.waitForExit(), out3);
        assertTrue(out3.contains("UNTRUSTED_CERTIFICATE"), out3);
    }

    @Test
    void opensslSServerSendsTenMegabytesToJuv() throws Exception {
        assumeOpenssl();
        // s_server -quiet sends what it reads on its standard input to the client it serves, and nothing else.
        SServer o = sServer();
        Process server = o.process();
        int port = o.port();
        X509Certificate ca = o.ca();
        byte[] payload = Loops.random(TEN_MB, 23);
        // Fed once juv's handshake is done, so no byte goes to sServer's probe connection.
        Thread feeder = Thread.ofPlatform().daemon().unstarted(() -> {
            try {
                OutputStream in = server.getOutputStream();
                in.write(payload);
                in.flush(); // left open: s_server's end of input would not end the connection cleanly
            } catch (IOException e) {
                // the digest below fails
            }
        });
        MessageDigest md = Loops.sha256();
        long[] received = new long[1];
        AtomicReference<UvException> error = new AtomicReference<>();
        AtomicReference<String> protocol = new AtomicReference<>();
        Loops.run(loop -> {
            Loops.Watchdog dog = Loops.watchdog(loop, Duration.ofSeconds(40));
            loop.connectTls("localhost", port, TlsOptions.client().withTrustedCertificates(ca), new StreamHandler<TlsStream>() {
                @Override public void onConnect(TlsStream s) {
                    protocol.set(s.protocol());
                    feeder.start();
                }
                @Override public void onData(TlsStream s, ByteBuffer data) {
                    received[0] += data.remaining();
                    md.update(data);
                    if (received[0] >= TEN_MB) {
                        s.close();
                        dog.cancel();
                    }
                }
                @Override public void onError(TlsStream s, UvException e) {
                    error.set(e);
                    dog.cancel();
                }
            });
        });
        feeder.join(10_000);
        assertNull(error.get(), () -> "" + error.get());
        assertEquals("TLSv1.3", protocol.get());
        assertEquals(TEN_MB, received[0]);
        assertArrayEquals(Loops.sha256(payload), md.digest());
    }

    @Test
    void tlsEchoOnPemFilesAnswersOpensslSClient() throws Exception {
        assumeOpenssl();
        for (String key : List.of("ec", "rsa")) {
            Path[] certKey = opensslCertificate(key);
            Running echo = programs.java(TlsEcho.class, "--port", "0", "--cert", certKey[0].toString(), "--key", certKey[1].toString());
            int port = Programs.listeningPort(echo);
            // -verify_return_error: the handshake fails unless the certificate is the one in the PEM file, for that host.
            Process client = start(new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-CAfile", certKey[0].toString(), "-verify_return_error",
                    "-verify_hostname", "localhost", "-quiet").redirectErrorStream(true));
            OutputStream in = client.getOutputStream();
            in.write(("hello over " + key + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            List<String> transcript = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; ) {
                transcript.add(line);
                if (line.equals("hello over " + key)) break;
            }
            assertEquals("hello over " + key, transcript.isEmpty() ? null : transcript.getLast(), transcript::toString);
            client.destroy();
            assertTrue(echo.awaitContaining("client ").contains("TLSv1.3"), echo.transcript::toString);
            echo.process.destroy();
        }
    }

    @Test
    void juvSendsTenMegabytesToOpensslSServer() throws Exception {
        assumeOpenssl();
        SServer o = sServer();
        Process server = o.process();
        int port = o.port();
        X509Certificate ca = o.ca();
        byte[] payload = Loops.random(TEN_MB, 22);
        AtomicReference<UvException> error = new AtomicReference<>();
        // s_server -quiet prints what it receives: hash its output on another thread.
        AtomicReference<byte[]> digest = new AtomicReference<>();
        AtomicReference<String> readFailure = new AtomicReference<>("s_server printed less than 10 MB in 30 s");
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                digest.set(Loops.sha256(server.getInputStream(), TEN_MB));
            } catch (IOException | AssertionError e) {
                readFailure.set(e.toString()); // the digest stays unset
            }
        });
        Loops.run(loop -> loop.connectTls("localhost", port, TlsOptions.client().withTrustedCertificates(ca), new StreamHandler<TlsStream>() {
            final PayloadSender sender = new PayloadSender(payload, 256 * 1024, true); // then close_notify
            @Override public void onConnect(TlsStream s) { sender.send(s); }
            @Override public void onDrain(TlsStream s) { sender.send(s); }
            @Override public void onData(TlsStream s, ByteBuffer data) {}
            @Override public void onError(TlsStream s, UvException e) { error.set(e); }
        }));
        reader.join(30_000);
        assertNull(error.get());
        assertNotNull(digest.get(), () -> readFailure.get() + "; s_server alive: " + server.isAlive());
        assertArrayEquals(Loops.sha256(payload), digest.get());
    }
}
