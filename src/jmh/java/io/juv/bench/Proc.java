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

/**
 * Processes, and what the system says of them: CPU time ({@link Clock}), resident memory
 * ({@link Rss}), and the pinning of a command to a CPU (taskset, where there is one).
 */
final class Proc {

    /** Clock ticks per second for /proc/PID/stat (USER_HZ: 100 on Linux unless told otherwise). */
    static final double TICKS = ticks();

    /** The clock that {@link #cpuSeconds} reads, and the RSS source; chosen once by the harness. */
    static Clock clock = Clock.PROC;
    static Rss rss = Rss.PROC;
    /** Whether {@link #pinned} pins (with taskset) or leaves the command to the scheduler. */
    static boolean pin = true;

    private Proc() {}

    private static double ticks() {
        try {
            String out = run(List.of("getconf", "CLK_TCK"), 5).trim();
            return Double.parseDouble(out);
        } catch (RuntimeException e) {
            return 100;
        }
    }

    /** True if the program is on the PATH (as ProcessBuilder would find it). */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            if (Files.isExecutable(Path.of(dir, program)) || Files.isExecutable(Path.of(dir, program + ".exe"))) return true;
        }
        return false;
    }

    /** A program of native/ as make native builds it: target/native/NAME (NAME.exe on Windows). */
    static String nativeProgram(String name) {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        return Path.of("target", "native", windows ? name + ".exe" : name).toString();
    }

    /** The command run on that CPU alone (taskset -c CPU ...) when pinning, else as it is. */
    static List<String> pinned(String cpu, List<String> command) {
        return pin ? concat(List.of("taskset", "-c", cpu), command) : command;
    }

    /**
     * A server's CPU time, user + system, of all its threads. Each clock has the resolution of what
     * it reads: the kernel's accounting, not the unit it is given in.
     */
    enum Clock {
        /** Linux's /proc/PID/stat, utime + stime: in USER_HZ ticks, 10 ms (getconf CLK_TCK is 100). */
        PROC("/proc/PID/stat utime+stime (Linux; 10 ms ticks)"),
        /**
         * {@code ProcessHandle.of(pid).info().totalCpuDuration()}, the JDK's own. On Linux the JDK reads the
         * same /proc/PID/stat fields (so the same 10 ms ticks, and the same figure: ClockTest checks it); on
         * Windows GetProcessTimes (100 ns units, charged at the scheduler's tick, about 15.6 ms). On macOS the
         * JDK gives it for its own process only: for a server it is empty, and {@link #PS} serves instead.
         */
        PROCESS("ProcessHandle.info().totalCpuDuration() (JDK; Linux: /proc ticks of 10 ms, Windows: GetProcessTimes)"),
        /** {@code ps -o time= -p PID}: user + system, centiseconds on macOS and the BSDs (whole seconds on Linux's procps). */
        PS("ps -o time= (macOS/BSD: 10 ms; Linux's procps: whole seconds)");

        final String description;

        Clock(String description) {
            this.description = description;
        }

        /** utime + stime of the process in seconds, or NaN when this clock cannot tell. */
        double seconds(long pid) {
            return switch (this) {
                case PROC -> procCpuSeconds(pid);
                case PROCESS -> ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                        .map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
                case PS -> psTime(tryRun(List.of("ps", "-o", "time=", "-p", Long.toString(pid))));
            };
        }

        /** Whether this clock reads another process's CPU time here (tried on this JVM's parent, else on itself). */
        boolean works() {
            long pid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(ProcessHandle.current().pid());
            return switch (this) {
                case PROC -> Files.isReadable(Path.of("/proc/self/stat"));
                // The parent: on macOS the JDK answers for its own process only, which proves nothing.
                case PROCESS -> ProcessHandle.current().parent().flatMap(p -> p.info().totalCpuDuration()).isPresent();
                case PS -> !Double.isNaN(seconds(pid));
            };
        }
    }

    /** ps's cumulative CPU time: [[DD-]HH:]MM:SS[.cc], as procps and the BSDs print it; NaN if it is not that. */
    static double psTime(String text) {
        if (text == null || text.isBlank()) return Double.NaN;
        String t = text.strip();
        try {
            double days = 0;
            int dash = t.indexOf('-');
            if (dash > 0) {
                days = Double.parseDouble(t.substring(0, dash));
                t = t.substring(dash + 1);
            }
            double seconds = 0;
            for (String part : t.split(":")) seconds = seconds * 60 + Double.parseDouble(part.replace(',', '.'));
            return days * 86_400 + seconds;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Where a server's resident set size comes from. */
    enum Rss {
        /** Linux's /proc/PID/status VmRSS. */
        PROC("/proc/PID/status VmRSS (Linux)"),
        /** {@code ps -o rss= -p PID}, in KiB: macOS, the BSDs, Linux. */
        PS("ps -o rss= (KiB)"),
        /** Windows' tasklist: the working set ("Mem Usage"); written for Windows, not run there yet. */
        TASKLIST("tasklist working set (Windows; untested)"),
        /** Nothing here tells: the held-connections scenario reports n/a. */
        NONE("unavailable");

        final String description;

        Rss(String description) {
            this.description = description;
        }

        /** Resident set size in bytes, or -1 when it cannot tell (or the process is gone). */
        long bytes(long pid) {
            return switch (this) {
                case PROC -> procRssBytes(pid);
                case PS -> {
                    String out = tryRun(List.of("ps", "-o", "rss=", "-p", Long.toString(pid)));
                    yield out == null || !out.strip().matches("\\d+") ? -1 : Long.parseLong(out.strip()) * 1024;
                }
                case TASKLIST -> {
                    String out = tryRun(List.of("tasklist", "/FI", "PID eq " + pid, "/FO", "CSV", "/NH"));
                    if (out == null || !out.contains("\"")) yield -1;
                    String[] fields = out.strip().split("\",\"");
                    String kb = fields[fields.length - 1].replaceAll("[^0-9]", "");
                    yield kb.isEmpty() ? -1 : Long.parseLong(kb) * 1024;
                }
                case NONE -> -1;
            };
        }

        /** The first that answers for this JVM's own process. */
        static Rss detect() {
            long self = ProcessHandle.current().pid();
            for (Rss r : List.of(PROC, PS, TASKLIST)) {
                if ((r != PROC || Files.isReadable(Path.of("/proc/self/status"))) && r.bytes(self) > 0) return r;
            }
            return NONE;
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
        return run(command, timeoutSeconds, line -> {});
    }

    /** As {@link #run(List, int)}, handing each line to {@code eachLine} as it arrives (the program's markers, acted on at once). */
    static String run(List<String> command, int timeoutSeconds, java.util.function.Consumer<String> eachLine) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            try (java.io.BufferedReader lines = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.append(line).append('\n');
                    eachLine.accept(line);
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) p.destroyForcibly();
            return out.toString();
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

    /** utime + stime of a process, in seconds, by the {@link #clock} chosen. */
    static double cpuSeconds(long pid) {
        return clock.seconds(pid);
    }

    /** Resident set size in bytes by the {@link #rss} source chosen, or -1 when it cannot tell. */
    static long rssBytes(long pid) {
        return rss.bytes(pid);
    }

    /** utime + stime from /proc/PID/stat, in seconds; NaN if there is no such file. */
    static double procCpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) return Double.NaN;
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    }

    /** VmRSS from /proc/PID/status in bytes, or -1 once the process is gone. */
    static long procRssBytes(long pid) {
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
