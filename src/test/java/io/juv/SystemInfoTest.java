package io.juv;

import io.juv.internal.Uv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each of libuv's system facts against what the JDK and /proc say. */
@Timeout(30)
class SystemInfoTest {

    private static final boolean LINUX = System.getProperty("os.name").toLowerCase().contains("linux");

    private static List<String> proc(String file) throws IOException {
        return Files.readAllLines(Path.of("/proc", file));
    }

    /** A /proc/meminfo line's value in bytes. */
    private static long meminfo(String key) throws IOException {
        for (String line : proc("meminfo")) {
            if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
        }
        throw new AssertionError("no " + key + " in /proc/meminfo");
    }

    @Test
    void clocksAgreeWithTheJdkAndProc() throws IOException {
        long a = SystemInfo.hrtime();
        long nanos = System.nanoTime();
        long b = SystemInfo.hrtime();
        assertTrue(b >= a);
        // Both are CLOCK_MONOTONIC on Linux.
        if (LINUX) assertTrue(Math.abs(nanos - a) < Duration.ofSeconds(1).toNanos(), "hrtime " + a + " vs nanoTime " + nanos);
        Duration up = SystemInfo.uptime();
        assertTrue(up.isPositive());
        if (LINUX) {
            double procUp = Double.parseDouble(proc("uptime").get(0).split(" ")[0]);
            assertEquals(procUp, up.toMillis() / 1000.0, 2.0, "uptime against /proc/uptime");
        }
    }

    @Test
    void loadAverageIsProcLoadavg() throws IOException {
        SystemInfo.LoadAverage avg = SystemInfo.loadAverage();
        assertTrue(avg.one() >= 0 && avg.five() >= 0 && avg.fifteen() >= 0, avg.toString());
        if (LINUX) {
            String[] proc = proc("loadavg").get(0).split(" ");
            assertEquals(Double.parseDouble(proc[2]), avg.fifteen(), 0.5, "the 15-minute average moves slowly");
        }
    }

    @Test
    void memoryFiguresArePlausible() throws IOException {
        long total = SystemInfo.totalMemory();
        long free = SystemInfo.freeMemory();
        long rss = SystemInfo.residentSetMemory();
        assertTrue(total > 64L << 20, "total " + total);
        assertTrue(free > 0 && free <= total, "free " + free + " of " + total);
        Runtime rt = Runtime.getRuntime();
        assertTrue(rss > rt.totalMemory() - rt.freeMemory(), "a JVM's RSS holds at least its used heap: " + rss);
        assertTrue(rss < total);
        if (LINUX) {
            assertEquals(meminfo("MemTotal"), total);
            assertEquals(meminfo("MemAvailable"), free, 256L << 20, "free memory against MemAvailable");
            long procRss = Long.parseLong(proc("self/statm").get(0).split(" ")[1]) * 4096;
            assertEquals(procRss, rss, 64L << 20, "RSS against /proc/self/statm");
        }
        SystemInfo.constrainedMemory().ifPresent(limit -> assertTrue(limit > 0 && limit <= total, "limit " + limit));
        if (Uv.atLeast(1, 45)) {
            long available = SystemInfo.availableMemory().orElseThrow();
            assertTrue(available > 0 && available <= total, "available " + available);
        } else {
            assertTrue(SystemInfo.availableMemory().isEmpty(), "libuv 1.44 has no uv_get_available_memory");
        }
    }

    @Test
    void cpusAreTheMachines() throws IOException {
        List<SystemInfo.Cpu> cpus = SystemInfo.cpus();
        assertFalse(cpus.isEmpty());
        assertTrue(cpus.size() >= Runtime.getRuntime().availableProcessors(), cpus.size() + " CPUs");
        int parallelism = SystemInfo.availableParallelism();
        assertTrue(parallelism >= 1 && parallelism <= cpus.size(), parallelism + " of " + cpus.size());
        if (!cpuQuota()) assertEquals(Runtime.getRuntime().availableProcessors(), parallelism, "both read the affinity mask");
        for (SystemInfo.Cpu c : cpus) {
            assertFalse(c.model().isBlank(), c.toString());
            assertTrue(c.speedMhz() >= 0, c.toString());
            assertTrue(c.times().user() >= 0 && c.times().idle() >= 0 && c.times().total() > 0, c.toString());
        }
        if (LINUX) {
            long procCpus = proc("stat").stream().filter(l -> l.matches("cpu\\d+ .*")).count();
            assertEquals(procCpus, cpus.size(), "one per cpuN line of /proc/stat");
            Set<String> models = proc("cpuinfo").stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).collect(Collectors.toSet());
            if (!models.isEmpty()) assertTrue(models.contains(cpus.get(0).model()), cpus.get(0).model() + " not in " + models);
        }
    }

    /** A cgroup CPU quota, which the JDK counts in availableProcessors and libuv 1.44 does not. */
    private static boolean cpuQuota() throws IOException {
        Path max = Path.of("/sys/fs/cgroup/cpu.max");
        return Files.exists(max) && !Files.readString(max).startsWith("max");
    }

    @Test
    void interfaceAddressesAreTheJdks() throws IOException {
        List<SystemInfo.InterfaceAddress> all = SystemInfo.interfaceAddresses();
        SystemInfo.InterfaceAddress lo = all.stream().filter(a -> a.address().isLoopbackAddress() && a.address() instanceof Inet4Address)
                .findFirst().orElseThrow(() -> new AssertionError("no IPv4 loopback in " + all));
        assertTrue(lo.internal());
        assertEquals(InetAddress.getByName("255.0.0.0"), lo.netmask());
        assertEquals("00:00:00:00:00:00", lo.mac());
        Set<String> ours = new HashSet<>();
        for (SystemInfo.InterfaceAddress a : all) {
            assertTrue(a.mac().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), a.mac());
            ours.add(a.name() + " " + a.address().getHostAddress().replaceAll("%.*", ""));
        }
        Set<String> jdk = new HashSet<>();
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().filter(this::isUp).toList()) {
            for (InetAddress ip : ni.inetAddresses().toList()) jdk.add(ni.getName() + " " + ip.getHostAddress().replaceAll("%.*", ""));
        }
        assertEquals(jdk, ours, "libuv's and the JDK's addresses of the interfaces that are up");
    }

    private boolean isUp(NetworkInterface ni) {
        try {
            return ni.isUp();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void namesAndIdsAreThisProcesssAndMachines() throws IOException {
        assertEquals(InetAddress.getLocalHost().getHostName().split("\\.")[0], SystemInfo.hostname().split("\\.")[0]);
        assertEquals(ProcessHandle.current().pid(), SystemInfo.pid());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), SystemInfo.parentPid());
        SystemInfo.Uname u = SystemInfo.uname();
        assertEquals(System.getProperty("os.version"), u.release());
        assertTrue(System.getProperty("os.name").equalsIgnoreCase(u.sysname()), u.toString());
        assertFalse(u.version().isBlank());
        String arch = System.getProperty("os.arch");
        assertEquals(arch.equals("amd64") ? "x86_64" : arch.equals("aarch64") ? "aarch64" : u.machine(), u.machine());
        if (LINUX) {
            assertEquals(proc("sys/kernel/hostname").get(0), SystemInfo.hostname());
            assertEquals(proc("sys/kernel/osrelease").get(0), u.release());
        }
        String home = System.getenv("HOME");
        assertEquals(home != null ? Path.of(home) : Path.of(System.getProperty("user.home")), SystemInfo.homeDirectory());
        Path tmp = SystemInfo.tempDirectory();
        assertTrue(Files.isDirectory(tmp), tmp.toString());
        String tmpdir = System.getenv("TMPDIR");
        if (tmpdir == null) assertEquals(Path.of("/tmp"), tmp);
    }

    @Test
    void resourceUsageGrowsWithWork() {
        SystemInfo.ResourceUsage before = SystemInfo.resourceUsage();
        long x = 0;
        long end = System.nanoTime() + Duration.ofMillis(100).toNanos();
        while (System.nanoTime() < end) x += Long.numberOfTrailingZeros(x + System.nanoTime());
        SystemInfo.ResourceUsage after = SystemInfo.resourceUsage();
        assertTrue(x != 1);
        assertTrue(after.userTime().plus(after.systemTime()).compareTo(before.userTime().plus(before.systemTime())) > 0,
                before + " -> " + after);
        // maxrss is in kilobytes: at least what the RSS is now, give or take pages that came and went.
        assertTrue(after.maxResidentSetKb() * 1024 >= SystemInfo.residentSetMemory() / 2, after.toString());
        assertTrue(after.minorPageFaults() > 0 && after.voluntaryContextSwitches() >= 0, after.toString());
    }

    @Test
    void randomBytesSynchronousAndOnThePool() {
        byte[] a = SystemInfo.randomBytes(64);
        byte[] b = SystemInfo.randomBytes(64);
        assertEquals(64, a.length);
        assertFalse(Arrays.equals(a, b), "two draws of 512 bits are equal");
        assertEquals(0, SystemInfo.randomBytes(0).length);
        assertThrows(IllegalArgumentException.class, () -> SystemInfo.randomBytes(-1));
        // Two requests on the pool: they may complete in either order.
        Object[] got = new Object[3];
        Loops.run(loop -> {
            Thread loopThread = Thread.currentThread();
            CompletableFuture<byte[]> f = SystemInfo.randomBytes(loop, 100_000);
            assertInstanceOf(LoopFuture.class, f);
            assertEquals(1, loop.stats().pendingRequests(), "the request keeps the loop alive");
            f.thenAccept(bytes -> {
                got[0] = bytes;
                got[1] = Thread.currentThread() == loopThread;
            });
            SystemInfo.randomBytes(loop, 0).thenAccept(bytes -> got[2] = bytes);
            assertThrows(IllegalArgumentException.class, () -> SystemInfo.randomBytes(loop, -1));
        });
        byte[] big = (byte[]) got[0];
        assertEquals(100_000, big.length);
        assertEquals(true, got[1], "completed on the loop thread");
        assertArrayEquals(new byte[0], (byte[]) got[2]);
        // Not all the same byte, and roughly uniform: every value appears.
        int[] counts = new int[256];
        for (byte v : big) counts[v & 0xff]++;
        for (int c : counts) assertTrue(c > 200 && c < 700, "a byte value appeared " + c + " times in 100000");
        EventLoop closed = EventLoop.create();
        Loops.closeClean(closed);
        assertThrows(IllegalStateException.class, () -> SystemInfo.randomBytes(closed, 8), "a closed loop starts no request");
        assertThrows(WrongThreadException.class, () -> {
            EventLoop loop = EventLoop.create();
            try {
                Throwable t = Loops.onOtherThread(() -> SystemInfo.randomBytes(loop, 8));
                if (t != null) throw t;
            } finally {
                Loops.closeClean(loop);
            }
        });
    }

    @Test
    void processTitleIsJuvsBufferAndTheCallingThreadsName() throws IOException {
        String original = SystemInfo.processTitle();
        assertEquals(ProcessHandle.current().info().command().orElse("java"), original);
        String[] seen = new String[2];
        Throwable t = Loops.onOtherThread(() -> {
            SystemInfo.processTitle("juv-title-test");
            seen[0] = SystemInfo.processTitle();
            try {
                seen[1] = LINUX ? Files.readString(Path.of("/proc/thread-self/comm")).trim() : "juv-title-test";
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(null, t);
        assertEquals("juv-title-test", seen[0]);
        assertEquals("juv-title-test", seen[1], "prctl(PR_SET_NAME) named the calling thread");
        String tooLong = "x".repeat(SystemInfo.TITLE_MAX + 50);
        SystemInfo.processTitle(tooLong);
        assertEquals(SystemInfo.TITLE_MAX, SystemInfo.processTitle().length(), "cut to juv's room");
        assertThrows(IllegalArgumentException.class, () -> SystemInfo.processTitle("a\0b"));
        SystemInfo.processTitle(original.length() > SystemInfo.TITLE_MAX ? "java" : original);
        assumeTrue(LINUX);
        // The thread that set the title is renamed (a JVM thread, not the process): /proc/PID/comm stays.
        assertEquals("java", Files.readString(Path.of("/proc/self/comm")).trim().replaceAll("^(java).*", "$1"));
    }
}
