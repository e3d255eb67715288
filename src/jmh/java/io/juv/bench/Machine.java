package io.juv.bench;

import io.juv.EventLoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The facts that head every report, so that runs on different machines can be laid side by side. */
final class Machine {

    private Machine() {}

    static Map<String, String> facts() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("os", osName());
        m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", memory());
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("libuv", EventLoop.libuvVersion());
        String node = Proc.tryRun(List.of("node", "--version"));
        m.put("node", node == null ? "not installed" : node.trim());
        String wrk = Proc.tryRun(List.of("wrk", "--version"));
        m.put("wrk", wrk == null ? "not installed" : wrk.lines().findFirst().orElse("?").trim());
        m.put("open files limit", Proc.tryRun(List.of("sh", "-c", "ulimit -n")) == null ? "?"
                : Proc.tryRun(List.of("sh", "-c", "ulimit -n")).trim());
        return m;
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) return line.substring(12).replace("\"", "");
            }
        } catch (IOException ignored) {
            // not Linux, or no os-release: fall back to what Java knows
        }
        return System.getProperty("os.name");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // elsewhere than Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return (Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024 * 1024)) + " GiB";
                }
            }
        } catch (IOException ignored) {
            // elsewhere than Linux
        }
        return "?";
    }
}
