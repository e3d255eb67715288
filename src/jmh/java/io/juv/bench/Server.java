package io.juv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One server under test: juv's seed server or one of its peers, each single-threaded with the
 * same two modes (delay, and HTTP/1.1 keep-alive) and the same bytes on the wire.
 *
 * @param probed the launcher answers {@code --probe} (the Netty peers: whether their transport runs here)
 */
record Server(String name, List<String> launcher, boolean jvm, boolean probed) {

    Server(String name, List<String> launcher, boolean jvm) {
        this(name, launcher, jvm, false);
    }

    /** Every JVM server gets the same flags, so differences come from the code, not the tuning. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx1g",
            "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled");

    /** java with {@link #JVM_FLAGS}, to which the class path and main class are added. */
    static List<String> javaCommand() {
        List<String> jvm = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        jvm.addAll(JVM_FLAGS);
        return jvm;
    }

    /**
     * A Netty peer ({@code io.juv.bench.peers}) on one of Netty's native transports, "epoll" or
     * "io_uring" (peers/NettyTransport), probed before it runs.
     */
    static Server netty(String name, String mainClass, String transport) {
        // Netty 4.2 turns sun.misc.Unsafe off on Java 25 unless allowed (and io_uring needs it):
        // give it its usual configuration.
        return new Server(name, Proc.concat(javaCommand(), List.of("--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "io.juv.bench.peers." + mainClass,
                "--transport", transport)), true, true);
    }

    static List<Server> all() {
        String cp = System.getProperty("java.class.path");
        List<String> jvm = javaCommand();
        List<Server> servers = new ArrayList<>();
        servers.add(new Server("juv", Proc.concat(jvm, List.of("-cp", cp, "io.juv.examples.SeedServer", "--no-stats")), true));
        servers.add(new Server("C libuv", List.of(Proc.nativeProgram("seed_server")), false));
        servers.add(netty("Netty epoll", "NettyServer", "epoll"));
        servers.add(netty("Netty io_uring", "NettyServer", "io_uring"));
        servers.add(new Server("java.nio", Proc.concat(jvm, List.of("-cp", cp, "io.juv.bench.peers.NioServer")), true));
        servers.add(new Server("virtual threads", Proc.concat(jvm, List.of(
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-cp", cp, "io.juv.bench.peers.VirtualThreadServer")), true));
        if (Proc.tryRun(List.of("node", "--version")) != null) {
            servers.add(new Server("Node.js", List.of("node", "src/jmh/node/seed_server.js"), false));
        }
        return servers;
    }

    /**
     * Why this server cannot run here, or null when it can: a native program not built, or a
     * transport this kernel refuses (io_uring under a seccomp filter, say), in the peer's own words.
     */
    String unavailability() {
        if (launcher.get(0).startsWith(Path.of("target", "native").toString()) && !Files.isExecutable(Path.of(launcher.get(0)))) {
            return "not built (make native)";
        }
        if (!probed) return null;
        String out = Proc.tryRun(Proc.concat(launcher, List.of("--probe")));
        if (out == null) return "its probe did not run";
        for (String line : out.split("\\R")) {
            if (!line.startsWith("transport ")) continue; // the JVM's warnings, say
            if (line.contains(" unavailable: ")) return line.substring("transport ".length());
            if (line.endsWith(" available")) return null;
        }
        return "its probe said: " + out.strip();
    }

    /** The command line, pinned to one core where the harness pins: every server runs single-threaded on core 0. */
    List<String> command(int port, long delayMillis, boolean keepAlive) {
        List<String> c = new ArrayList<>(launcher);
        c.addAll(List.of("--port", Integer.toString(port), "--delay", Long.toString(delayMillis)));
        if (keepAlive) c.add("--keep-alive");
        return Proc.pinned(Harness.SERVER_CPU, c);
    }
}
