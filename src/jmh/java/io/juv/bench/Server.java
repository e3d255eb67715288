package io.juv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One server under test: juv's seed server or one of its peers, each single-threaded with the
 * same two modes (delay, and HTTP/1.1 keep-alive) and the same bytes on the wire.
 */
record Server(String name, List<String> launcher, boolean jvm) {

    /** Every JVM server gets the same flags, so differences come from the code, not the tuning. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx1g",
            "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled");

    static List<Server> all() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> jvm = new ArrayList<>(List.of(java));
        jvm.addAll(JVM_FLAGS);
        List<Server> servers = new ArrayList<>();
        servers.add(new Server("juv", Proc.concat(jvm, List.of("-cp", cp, "io.juv.examples.SeedServer", "--no-stats")), true));
        servers.add(new Server("C libuv", List.of("target/native/seed_server"), false));
        // Netty 4.2 turns sun.misc.Unsafe off on Java 25 unless allowed: give it its usual configuration.
        servers.add(new Server("Netty epoll", Proc.concat(jvm, List.of("--sun-misc-unsafe-memory-access=allow",
                "-cp", cp, "io.juv.bench.peers.NettyEpollServer")), true));
        servers.add(new Server("java.nio", Proc.concat(jvm, List.of("-cp", cp, "io.juv.bench.peers.NioServer")), true));
        servers.add(new Server("virtual threads", Proc.concat(jvm, List.of(
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-cp", cp, "io.juv.bench.peers.VirtualThreadServer")), true));
        if (Proc.tryRun(List.of("node", "--version")) != null) {
            servers.add(new Server("Node.js", List.of("node", "src/jmh/node/seed_server.js"), false));
        }
        return servers;
    }

    boolean available() {
        return !launcher.get(0).startsWith("target/") || Files.isExecutable(Path.of(launcher.get(0)));
    }

    /** The command line, pinned to one core: every server runs single-threaded on core 0. */
    List<String> command(int port, long delayMillis, boolean keepAlive) {
        List<String> c = new ArrayList<>(List.of("taskset", "-c", Harness.SERVER_CPU));
        c.addAll(launcher);
        c.addAll(List.of("--port", Integer.toString(port), "--delay", Long.toString(delayMillis)));
        if (keepAlive) c.add("--keep-alive");
        return c;
    }
}
