package io.juv.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Processes and what Linux's /proc says of them: CPU time, resident memory. */
final class Proc {

    /** Clock ticks per second for /proc/PID/stat (USER_HZ: 100 on Linux unless told otherwise). */
    static final double TICKS = ticks();

    private Proc() {}

    private static double ticks() {
        try {
            String out = run(List.of("getconf", "CLK_TCK"), 5).trim();
            return Double.parseDouble(out);
        } catch (RuntimeException e) {
            return 100;
        }
    }

    /** Starts a command with stdout and stderr into a log file. */
    static Process start(List<String> command, Path log) {
        try {
            Files.createDirectories(log.getParent());
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Runs a command to its end (at most timeoutSeconds) and returns what it printed. */
    static String run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) p.destroyForcibly();
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command, printing nothing, and returns its output; null if it cannot start. */
    static String tryRun(List<String> command) {
        try {
            return run(command, 20);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** utime + stime of a process, in seconds. */
    static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) return Double.NaN;
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    }

    /** Resident set size in bytes, or -1 once the process is gone. */
    static long rssBytes(long pid) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        if (status == null) return -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        return -1;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until something accepts connections on the port; false after the timeout. */
    static boolean waitForPort(int port, Process server, long timeoutMillis) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (!server.isAlive()) return false;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                sleep(50);
            }
        }
        return false;
    }

    /** One request on a fresh connection: true if the seed server's reply came back in time. */
    static boolean answers(int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[512];
            int total = 0;
            for (int n; total < 100 && (n = s.getInputStream().read(buf, total, buf.length - total)) > 0; ) total += n;
            return new String(buf, 0, total, StandardCharsets.US_ASCII).endsWith("omglolwtf");
        } catch (IOException e) {
            return false;
        }
    }

    static void stop(Process p) {
        if (p == null || !p.isAlive()) return;
        p.destroy(); // SIGTERM
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
