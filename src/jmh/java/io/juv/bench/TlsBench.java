package io.juv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS scenarios: handshakes per second of server CPU (OpenSSL's {@code s_time -new}, a full
 * handshake per connection) and a 64 KiB echo's bytes per second of server CPU
 * ({@link TlsEchoClient} on the JDK's SSLSocket), for juv's TLS against Netty's SslHandler on the
 * same JDK provider, and juv's plain TCP echo as the floor TLS is measured against. Servers run
 * pinned to the server CPU, the load to the other, as in every scenario (where the harness pins); a self-signed EC P-256
 * certificate for localhost is made with keytool at the start.
 */
final class TlsBench {

    static final String PASSWORD = "juvbench";

    private final Harness h;
    private final Path keystore = Harness.OUT.resolve("tls-server.p12");
    private final Path truststore = Harness.OUT.resolve("tls-trust.p12");

    private TlsBench(Harness h) {
        this.h = h;
    }

    /** A TLS server under test: its name and its launcher, to which --port N (and the key store) is added. */
    record TlsServer(Server server, boolean tls) {}

    static List<TlsServer> all() {
        String cp = System.getProperty("java.class.path");
        List<String> jvm = Server.javaCommand();
        List<TlsServer> servers = new ArrayList<>();
        servers.add(new TlsServer(new Server("juv TLS", Proc.concat(jvm, List.of("-cp", cp, TlsEchoServer.class.getName())), true), true));
        // "Netty TLS" is the epoll one: the name earlier reports (and bench-compare) know it by.
        servers.add(new TlsServer(Server.netty("Netty TLS", "NettyTlsEchoServer", "epoll"), true));
        servers.add(new TlsServer(Server.netty("Netty TLS io_uring", "NettyTlsEchoServer", "io_uring"), true));
        servers.add(new TlsServer(new Server("juv TCP", Proc.concat(jvm, List.of("-cp", cp, "io.juv.examples.Echo",
                "--host", "127.0.0.1")), true), false));
        return servers;
    }

    static void run(Harness h, List<TlsServer> servers) {
        TlsBench b = new TlsBench(h);
        if (!b.makeCertificate()) {
            System.out.println("TLS scenarios skipped: keytool could not make a certificate");
            return;
        }
        boolean openssl = Proc.tryRun(List.of("openssl", "version")) != null;
        if (!openssl) System.out.println("TLS handshakes skipped: no openssl (apt-get install openssl)");
        for (int round = 1; round <= h.rounds; round++) {
            for (TlsServer s : servers) {
                if (s.tls() && openssl) {
                    h.progress.step("tls handshakes", s.server().name() + ", TLS handshakes, round " + round + "/" + h.rounds);
                    b.handshakes(s, round);
                }
                h.progress.step("tls echo", s.server().name() + ", TLS echo 64 KiB, round " + round + "/" + h.rounds);
                b.bulk(s, round);
            }
        }
    }

    private boolean makeCertificate() {
        try {
            Files.createDirectories(Harness.OUT);
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(truststore);
        } catch (java.io.IOException e) {
            return false;
        }
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path cert = Harness.OUT.resolve("tls-server.crt");
        return Proc.tryRun(List.of(keytool, "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)) != null
                && Proc.tryRun(List.of(keytool, "-exportcert", "-alias", "bench", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-rfc", "-file", cert.toString())) != null
                && Proc.tryRun(List.of(keytool, "-importcert", "-noprompt", "-alias", "bench", "-file", cert.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", PASSWORD)) != null;
    }

    private List<String> command(TlsServer s, int port) {
        List<String> c = new ArrayList<>(s.server().launcher());
        c.addAll(List.of("--port", Integer.toString(port)));
        if (s.tls()) c.addAll(List.of("--keystore", keystore.toString(), "--password", PASSWORD));
        return Proc.pinned(Harness.SERVER_CPU, c);
    }

    private static final Pattern S_TIME = Pattern.compile("(\\d+) connections in [0-9.]+ real seconds");

    /** openssl s_time -new: one full handshake per connection, one connection at a time. */
    private void handshakes(TlsServer s, int round) {
        String scenario = "TLS handshakes";
        int port = h.port();
        Process server = Proc.start(command(s, port), h.log(s.server(), "tls-handshakes", round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                h.failed(s.server().name(), scenario, round, "did not start");
                return;
            }
            if (h.warmup > 0) sTime(port, h.warmup);
            double cpu0 = Proc.cpuSeconds(server.pid());
            String out = sTime(port, h.seconds);
            double cpu = Proc.cpuSeconds(server.pid()) - cpu0;
            Matcher m = S_TIME.matcher(out == null ? "" : out);
            if (!m.find() || Long.parseLong(m.group(1)) == 0) {
                h.failed(s.server().name(), scenario, round, "openssl said " + out);
                return;
            }
            long n = Long.parseLong(m.group(1));
            h.result(scenario, s.server(), "handshakes per CPU-second", "hs/CPU-s").add(Harness.perCpu(n, cpu),
                    Map.of("handshakes", n, "hs/s", n / (double) h.seconds, "cpu s", cpu));
            System.out.printf("%-18s %-16s round %d: %,.0f handshakes/CPU-s, %,.0f/s, cpu %.2f s%n",
                    s.server().name(), scenario, round, n / cpu, n / (double) h.seconds, cpu);
        } finally {
            Proc.stop(server);
        }
    }

    private String sTime(int port, int seconds) {
        return Proc.tryRun(Proc.pinned(Harness.LOAD_CPU, List.of("openssl", "s_time", "-connect", "127.0.0.1:" + port,
                "-new", "-time", Integer.toString(seconds))));
    }

    private static final Pattern BYTES = Pattern.compile("bytes=(\\d+) seconds=([0-9.]+)");

    /** One connection, 64 KiB messages echoed, ping-pong: bytes per second of server CPU. */
    private void bulk(TlsServer s, int round) {
        String scenario = "TLS echo, 64 KiB";
        int port = h.port();
        Process server = Proc.start(command(s, port), h.log(s.server(), "tls-bulk", round));
        try {
            if (!Proc.waitForPort(port, server, 15_000)) {
                h.failed(s.server().name(), scenario, round, "did not start");
                return;
            }
            int messages = h.quick ? 500 : 20_000;
            if (h.warmup > 0) client(s, port, messages / 2);
            double cpu0 = Proc.cpuSeconds(server.pid());
            String out = client(s, port, messages);
            double cpu = Proc.cpuSeconds(server.pid()) - cpu0;
            Matcher m = BYTES.matcher(out == null ? "" : out);
            if (!m.find() || Long.parseLong(m.group(1)) == 0) {
                h.failed(s.server().name(), scenario, round, "client said " + out);
                return;
            }
            long bytes = Long.parseLong(m.group(1));
            double seconds = Double.parseDouble(m.group(2));
            h.result(scenario, s.server(), "bytes per CPU-second", "B/CPU-s").add(Harness.perCpu(bytes, cpu),
                    Map.of("bytes/s", bytes / seconds, "cpu s", cpu));
            System.out.printf("%-18s %-16s round %d: %.2f GB per CPU-s, %.2f GB/s, cpu %.2f s%n",
                    s.server().name(), scenario, round, bytes / cpu / 1e9, bytes / seconds / 1e9, cpu);
        } finally {
            Proc.stop(server);
        }
    }

    private String client(TlsServer s, int port, int messages) {
        List<String> c = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), TlsEchoClient.class.getName(),
                "--port", Integer.toString(port), "--size", "65536", "--messages", Integer.toString(messages), "--warmup", "0"));
        if (s.tls()) c.addAll(List.of("--truststore", truststore.toString(), "--password", PASSWORD));
        else c.add("--plain");
        try {
            return Proc.run(Proc.pinned(Harness.LOAD_CPU, c), 120);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
