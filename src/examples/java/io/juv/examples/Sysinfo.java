package io.juv.examples;

import io.juv.EventLoop;
import io.juv.SystemInfo;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Prints what libuv knows about the machine and this process, one {@code key: value} line per
 * fact (the CPUs and interface addresses one line each), then 16 random bytes read on libuv's
 * thread pool.
 *
 * <pre>
 * make example NAME=sysinfo
 * </pre>
 *
 * <p>A fact the loaded libuv lacks (available memory before 1.45) reads {@code n/a}.
 */
@Command(name = "sysinfo", description = "Prints what libuv knows about the machine and this process, one fact a line.")
public final class Sysinfo implements Callable<Integer> {

    private Sysinfo() {}

    public static void main(String[] args) {
        Cli.runAndExit(new Sysinfo(), args);
    }

    @Override
    public Integer call() {
        System.out.println("libuv: " + EventLoop.libuvVersion());
        SystemInfo.Uname u = SystemInfo.uname();
        System.out.println("system: " + u.sysname() + " " + u.release() + " " + u.machine() + " (" + u.version() + ")");
        System.out.println("hostname: " + SystemInfo.hostname());
        System.out.println("pid: " + SystemInfo.pid() + " (parent " + SystemInfo.parentPid() + ")");
        System.out.println("process title: " + SystemInfo.processTitle());
        System.out.println("home: " + SystemInfo.homeDirectory());
        System.out.println("tmpdir: " + SystemInfo.tempDirectory());
        System.out.println("uptime: " + SystemInfo.uptime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        System.out.println("hrtime: " + SystemInfo.hrtime() + " ns");
        SystemInfo.LoadAverage load = SystemInfo.loadAverage();
        System.out.printf("load average: %.2f %.2f %.2f%n", load.one(), load.five(), load.fifteen());
        System.out.println("total memory: " + mib(SystemInfo.totalMemory()));
        System.out.println("free memory: " + mib(SystemInfo.freeMemory()));
        System.out.println("available memory: " + SystemInfo.availableMemory().stream().mapToObj(Sysinfo::mib).findFirst().orElse("n/a"));
        System.out.println("constrained memory: " + SystemInfo.constrainedMemory().stream().mapToObj(Sysinfo::mib).findFirst().orElse("none"));
        System.out.println("resident set: " + mib(SystemInfo.residentSetMemory()));
        System.out.println("available parallelism: " + SystemInfo.availableParallelism());
        List<SystemInfo.Cpu> cpus = SystemInfo.cpus();
        System.out.println("cpus: " + cpus.size());
        for (int i = 0; i < cpus.size(); i++) {
            SystemInfo.Cpu c = cpus.get(i);
            System.out.printf("cpu %d: %s, %d MHz, user %d ms, sys %d ms, idle %d ms%n", i, c.model(), c.speedMhz(),
                    c.times().user(), c.times().sys(), c.times().idle());
        }
        for (SystemInfo.InterfaceAddress a : SystemInfo.interfaceAddresses()) {
            System.out.println("interface " + a.name() + ": " + a.address().getHostAddress() + " netmask "
                    + (a.netmask() == null ? "?" : a.netmask().getHostAddress()) + " mac " + a.mac() + (a.internal() ? " internal" : ""));
        }
        SystemInfo.ResourceUsage r = SystemInfo.resourceUsage();
        System.out.println("rusage: user " + ms(r.userTime()) + ", sys " + ms(r.systemTime()) + ", max rss " + r.maxResidentSetKb()
                + " KiB, page faults " + r.minorPageFaults() + "/" + r.majorPageFaults() + ", context switches "
                + r.voluntaryContextSwitches() + "/" + r.involuntaryContextSwitches());
        EventLoop.start(loop -> SystemInfo.randomBytes(loop, 16)
                .thenAccept(bytes -> System.out.println("random: " + HexFormat.of().formatHex(bytes))));
        return 0;
    }

    private static String mib(long bytes) {
        return bytes / (1024 * 1024) + " MiB";
    }

    private static String ms(Duration d) {
        return d.toMillis() + " ms";
    }
}
