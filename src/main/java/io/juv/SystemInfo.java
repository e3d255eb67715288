package io.juv;

import io.juv.internal.Errors;
import io.juv.internal.LoopCore;
import io.juv.internal.Platform;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Facts about the machine and this process, as libuv reports them on every platform it runs on:
 * clocks, memory, CPUs, network interfaces, names, resource usage, random bytes. Static and safe
 * from any thread (no loop is needed), except {@link #randomBytes(EventLoop, int)}, which runs
 * on a loop's thread pool. Every struct is libuv's own, read through its generated layout and
 * freed before the method returns; what comes back is plain Java.
 *
 * <p>Version notes: {@link #availableMemory()} needs libuv 1.45 (empty before it); everything
 * else is in libuv 1.44, juv's floor.
 *
 * {@snippet :
 * System.out.println(SystemInfo.hostname() + ": " + SystemInfo.cpus().size() + " CPUs, "
 *         + SystemInfo.freeMemory() / (1 << 20) + " MiB free, load " + SystemInfo.loadAverage().one());
 * }
 *
 * <p>A method whose libuv call fails throws {@link UvException} with libuv's error.
 */
public final class SystemInfo {

    static { io.juv.internal.LibUv.load(); }

    private SystemInfo() {}

    // ------------------------------------------------------------------ clocks

    /** {@return libuv's monotonic clock in nanoseconds (uv_hrtime)} For intervals, not the time of day. */
    public static long hrtime() {
        return Uv.hrtime();
    }

    /** {@return the time since the machine booted (uv_uptime)} */
    public static Duration uptime() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seconds = arena.allocate(ValueLayout.JAVA_DOUBLE);
            Errors.check(Uv.uptime(seconds));
            return Duration.ofNanos((long) (seconds.get(ValueLayout.JAVA_DOUBLE, 0) * 1e9));
        }
    }

    /**
     * The 1, 5 and 15 minute load averages (all zero on Windows).
     *
     * @param one     over the last minute
     * @param five    over the last five minutes
     * @param fifteen over the last fifteen minutes
     */
    public record LoadAverage(double one, double five, double fifteen) {}

    /** {@return the system's load averages (uv_loadavg)} */
    public static LoadAverage loadAverage() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment avg = arena.allocate(ValueLayout.JAVA_DOUBLE, 3);
            Uv.loadavg(avg);
            return new LoadAverage(avg.getAtIndex(ValueLayout.JAVA_DOUBLE, 0), avg.getAtIndex(ValueLayout.JAVA_DOUBLE, 1),
                    avg.getAtIndex(ValueLayout.JAVA_DOUBLE, 2));
        }
    }

    // ------------------------------------------------------------------ memory

    /** {@return this process's resident set size in bytes (uv_resident_set_memory)} */
    public static long residentSetMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rss = arena.allocate(ValueLayout.JAVA_LONG);
            Errors.check(Uv.residentSetMemory(rss));
            return rss.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** {@return the machine's memory in bytes (uv_get_total_memory)} */
    public static long totalMemory() {
        return Uv.totalMemory();
    }

    /** {@return the memory the system has free in bytes (uv_get_free_memory; on Linux MemAvailable, not MemFree)} */
    public static long freeMemory() {
        return Uv.freeMemory();
    }

    /**
     * {@return the memory limit imposed on this process (cgroups on Linux; uv_get_constrained_memory),
     * or empty when there is none libuv knows of}
     */
    public static OptionalLong constrainedMemory() {
        long m = Uv.constrainedMemory();
        // No limit reads as 0, or (cgroup v1 without one) as a huge value above the machine's memory.
        return m == 0 || Long.compareUnsigned(m, Uv.totalMemory()) > 0 ? OptionalLong.empty() : OptionalLong.of(m);
    }

    /**
     * {@return the memory this process may still use in bytes: the free memory, or what its limit
     * leaves when that is less (uv_get_available_memory)} Empty before libuv 1.45, which lacks it.
     */
    public static OptionalLong availableMemory() {
        return Uv.hasAvailableMemory() ? OptionalLong.of(Uv.availableMemory()) : OptionalLong.empty();
    }

    // ------------------------------------------------------------------ CPUs

    /**
     * Time a CPU spent in each mode since boot, in milliseconds (libuv's uv_cpu_times_s).
     *
     * @param user running user code
     * @param nice running user code at a lowered priority
     * @param sys  running the kernel
     * @param idle idle
     * @param irq  serving interrupts
     */
    public record CpuTimes(long user, long nice, long sys, long idle, long irq) {
        /** {@return the time in every mode together, in milliseconds} */
        public long total() {
            return user + nice + sys + idle + irq;
        }
    }

    /**
     * One logical CPU.
     *
     * @param model    its model name
     * @param speedMhz its speed in MHz (0 where the system does not tell)
     * @param times    the time it spent in each mode
     */
    public record Cpu(String model, int speedMhz, CpuTimes times) {}

    /** {@return every logical CPU (uv_cpu_info)} */
    public static List<Cpu> cpus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            Errors.check(Uv.cpuInfo(out, count));
            int n = count.get(ValueLayout.JAVA_INT, 0);
            MemorySegment infos = out.get(ValueLayout.ADDRESS, 0).reinterpret(n * Platform.CPU_INFO_SIZE);
            try {
                List<Cpu> cpus = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long c = infos.address() + i * Platform.CPU_INFO_SIZE;
                    cpus.add(new Cpu(string(Platform.cpuModel(c)), Platform.cpuSpeed(c),
                            new CpuTimes(Platform.cpuUser(c), Platform.cpuNice(c), Platform.cpuSys(c),
                                    Platform.cpuIdle(c), Platform.cpuIrq(c))));
                }
                return List.copyOf(cpus);
            } finally {
                Uv.freeCpuInfo(infos, n);
            }
        }
    }

    /**
     * {@return how many threads this process can usefully run at once (uv_available_parallelism)}
     * The CPUs it may run on (its affinity mask, on Linux), at least 1.
     */
    public static int availableParallelism() {
        return Uv.availableParallelism();
    }

    // ------------------------------------------------------------------ network interfaces

    /**
     * One address of a network interface.
     *
     * @param name     the interface's name ("lo", "eth0")
     * @param address  its IPv4 or IPv6 address
     * @param netmask  the address's netmask
     * @param internal a loopback interface
     * @param mac      the hardware address as "aa:bb:cc:dd:ee:ff" (all zero for loopback)
     */
    public record InterfaceAddress(String name, InetAddress address, InetAddress netmask, boolean internal, String mac) {}

    /** {@return every address of every interface that is up (uv_interface_addresses), IPv4 and IPv6} */
    public static List<InterfaceAddress> interfaceAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            Errors.check(Uv.interfaceAddresses(out, count));
            int n = count.get(ValueLayout.JAVA_INT, 0);
            MemorySegment all = out.get(ValueLayout.ADDRESS, 0).reinterpret(n * Platform.INTERFACE_ADDRESS_SIZE);
            try {
                List<InterfaceAddress> found = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long a = all.address() + i * Platform.INTERFACE_ADDRESS_SIZE;
                    var address = Platform.readSockaddr(Platform.interfaceAddress(a), null);
                    var netmask = Platform.readSockaddr(Platform.interfaceNetmask(a), null);
                    if (address == null) continue; // a family other than IPv4 and IPv6
                    byte[] mac = Platform.interfacePhysAddr(a);
                    found.add(new InterfaceAddress(string(Platform.interfaceName(a)), address.getAddress(),
                            netmask == null ? null : netmask.getAddress(), Platform.interfaceIsInternal(a),
                            HexFormat.ofDelimiter(":").formatHex(mac)));
                }
                return List.copyOf(found);
            } finally {
                Uv.freeInterfaceAddresses(all, n);
            }
        }
    }

    // ------------------------------------------------------------------ names

    /** {@return the machine's host name (uv_os_gethostname)} */
    public static String hostname() {
        return sized(Uv::gethostname, 256);
    }

    /**
     * The system's name, release, version and machine, as {@code uname -srvm} tells them.
     *
     * @param sysname the system's name ("Linux", "Darwin", "Windows_NT")
     * @param release its release
     * @param version its version
     * @param machine the hardware ("x86_64", "arm64")
     */
    public record Uname(String sysname, String release, String version, String machine) {}

    /** {@return the system's name, release, version and machine (uv_os_uname)} */
    public static Uname uname() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment u = arena.allocate(Platform.UTSNAME_SIZE, 8);
            Errors.check(Uv.uname(u));
            long at = u.address();
            return new Uname(Platform.unameSysname(at), Platform.unameRelease(at), Platform.unameVersion(at),
                    Platform.unameMachine(at));
        }
    }

    /** {@return the user's home directory (uv_os_homedir: $HOME, else the password database)} */
    public static Path homeDirectory() {
        return Path.of(sized(Uv::homedir, 1024));
    }

    /** {@return the temporary directory (uv_os_tmpdir: $TMPDIR and friends, else /tmp)} */
    public static Path tempDirectory() {
        return Path.of(sized(Uv::tmpdir, 1024));
    }

    /** {@return this process's id (uv_os_getpid)} */
    public static int pid() {
        return Uv.getpid();
    }

    /** {@return the parent process's id (uv_os_getppid)} */
    public static int parentPid() {
        return Uv.getppid();
    }

    // ------------------------------------------------------------------ process title

    /**
     * The process title as libuv keeps it. libuv can only change a title inside the memory of the
     * program's {@code argv}, which it must be given at start ({@code uv_setup_args}); a JVM never
     * hands its argv on, so juv gives libuv a buffer of its own, seeded with the JVM's command.
     * Setting the title therefore changes what this method returns and, on Linux, the name of the
     * calling thread ({@code prctl(PR_SET_NAME)}: /proc/self/task/TID/comm, what {@code top -H}
     * shows, at most 15 bytes), but not {@code ps}'s command line, which lives in the real argv.
     *
     * @return the title: the JVM's command until it is set
     */
    public static synchronized String processTitle() {
        setupArgs();
        for (long size = 256; ; size *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(size);
                int rc = Uv.getProcessTitle(buffer, size);
                if (rc < 0 && Errors.of(rc).errorName().equals("ENOBUFS") && size < 1 << 16) continue;
                Errors.check(rc);
                return buffer.getString(0);
            }
        }
    }

    /**
     * Sets the process title (see {@link #processTitle()} for what that changes from Java). A title
     * longer than {@value #TITLE_MAX} bytes of UTF-8 is cut to it, as libuv cuts one to argv's room.
     *
     * @param title the new title
     * @throws IllegalArgumentException if {@code title} holds a NUL character
     */
    public static synchronized void processTitle(String title) {
        Objects.requireNonNull(title, "title");
        if (title.indexOf('\0') >= 0) throw new IllegalArgumentException("a process title cannot hold a NUL character");
        setupArgs();
        try (Arena arena = Arena.ofConfined()) {
            Errors.check(Uv.setProcessTitle(arena.allocateFrom(title)));
        }
    }

    /** The longest title, in bytes: the room juv gives libuv for it. */
    public static final int TITLE_MAX = 255;
    private static boolean argsSet;

    /** uv_setup_args with a one-time argv of juv's own (libuv keeps pointers into it for good). */
    private static void setupArgs() {
        if (argsSet) return;
        String command = ProcessHandle.current().info().command().orElse("java");
        byte[] first = command.getBytes(StandardCharsets.UTF_8);
        if (first.length > TITLE_MAX) first = "java".getBytes(StandardCharsets.UTF_8);
        // argv[0] then argv[1] right behind it: libuv's room for a title is both strings together.
        MemorySegment strings = Arena.global().allocate(TITLE_MAX + 1);
        MemorySegment.copy(first, 0, strings, ValueLayout.JAVA_BYTE, 0, first.length);
        long second = first.length + 1;
        strings.asSlice(second, TITLE_MAX - second).fill((byte) ' ');
        MemorySegment argv = Arena.global().allocate(ValueLayout.ADDRESS, 3);
        argv.setAtIndex(ValueLayout.ADDRESS, 0, strings);
        argv.setAtIndex(ValueLayout.ADDRESS, 1, strings.asSlice(second));
        argv.setAtIndex(ValueLayout.ADDRESS, 2, MemorySegment.NULL);
        Uv.setupArgs(2, argv); // libuv's copy of argv is what a C program would go on with; Java has no use for it
        argsSet = true;
    }

    // ------------------------------------------------------------------ resource usage

    /**
     * This process's resource usage (uv_getrusage, getrusage(2)'s fields; those a platform does
     * not keep are 0).
     *
     * @param userTime                   CPU time spent in user code
     * @param systemTime                 CPU time spent in the kernel
     * @param maxResidentSetKb           largest resident set, in kilobytes
     * @param sharedMemoryKb             integral shared memory size (ru_ixrss)
     * @param unsharedDataKb             integral unshared data size (ru_idrss)
     * @param unsharedStackKb            integral unshared stack size (ru_isrss)
     * @param minorPageFaults            page faults served without I/O
     * @param majorPageFaults            page faults that needed I/O
     * @param swaps                      times the process was swapped out
     * @param blockInputs                block input operations
     * @param blockOutputs               block output operations
     * @param messagesSent               IPC messages sent
     * @param messagesReceived           IPC messages received
     * @param signals                    signals received
     * @param voluntaryContextSwitches   context switches because the process waited
     * @param involuntaryContextSwitches context switches because its time slice ran out or a higher priority ran
     */
    public record ResourceUsage(Duration userTime, Duration systemTime, long maxResidentSetKb,
                                long sharedMemoryKb, long unsharedDataKb, long unsharedStackKb,
                                long minorPageFaults, long majorPageFaults, long swaps,
                                long blockInputs, long blockOutputs, long messagesSent, long messagesReceived,
                                long signals, long voluntaryContextSwitches, long involuntaryContextSwitches) {}

    /** {@return this process's resource usage now (uv_getrusage)} */
    public static ResourceUsage resourceUsage() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = arena.allocate(Platform.RUSAGE_SIZE, 8);
            Errors.check(Uv.getrusage(r));
            long at = r.address();
            return new ResourceUsage(Platform.rusageUserTime(at), Platform.rusageSystemTime(at),
                    Platform.rusageMaxrss(at), Platform.rusageIxrss(at), Platform.rusageIdrss(at), Platform.rusageIsrss(at),
                    Platform.rusageMinflt(at), Platform.rusageMajflt(at), Platform.rusageNswap(at),
                    Platform.rusageInblock(at), Platform.rusageOublock(at), Platform.rusageMsgsnd(at), Platform.rusageMsgrcv(at),
                    Platform.rusageNsignals(at), Platform.rusageNvcsw(at), Platform.rusageNivcsw(at));
        }
    }

    // ------------------------------------------------------------------ random bytes

    /**
     * {@code n} bytes from the system's cryptographically secure source (uv_random: getrandom(2),
     * /dev/urandom, BCryptGenRandom ...), read on this thread; it may block only while the
     * system's entropy pool is not yet initialised, early at boot.
     *
     * @param n how many bytes
     * @return {@code n} random bytes
     * @throws IllegalArgumentException if {@code n} is negative or more than an array holds
     */
    public static byte[] randomBytes(int n) {
        checkRandomLength(n);
        if (n == 0) return new byte[0];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(n);
            Errors.check(Uv.random(0, 0, buf.address(), n, 0));
            return buf.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * {@link #randomBytes(int)} on libuv's thread pool: the future (a {@link LoopFuture}) completes
     * on the loop's thread. The request keeps the loop alive until it is done. Call on the loop's thread.
     *
     * @param loop the loop whose thread pool reads them and whose thread the future completes on
     * @param n    how many bytes
     * @return the future of {@code n} random bytes
     * @throws IllegalArgumentException if {@code n} is negative or more than an array holds
     * @throws IllegalStateException if the loop is closed
     */
    public static CompletableFuture<byte[]> randomBytes(EventLoop loop, int n) {
        checkRandomLength(n);
        return RandomRequest.start(LoopCore.of(loop), n);
    }

    /** The longest array the JVM makes (as ArraysSupport.SOFT_MAX_ARRAY_LENGTH): more is refused before minutes of filling. */
    private static final int MAX_RANDOM = Integer.MAX_VALUE - 8;

    private static void checkRandomLength(int n) {
        if (n < 0) throw new IllegalArgumentException("n must not be negative: " + n);
        if (n > MAX_RANDOM) throw new IllegalArgumentException("n is more than an array holds: " + n);
    }

    // ------------------------------------------------------------------ strings

    /** A C function that fills a buffer of *size bytes, or says in *size how many it needs (UV_ENOBUFS). */
    @FunctionalInterface
    private interface SizedString {
        int fill(MemorySegment buffer, MemorySegment size);
    }

    private static String sized(SizedString f, long initial) {
        for (long room = initial; ; ) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(room);
                MemorySegment size = arena.allocateFrom(ValueLayout.JAVA_LONG, room); // size_t
                int rc = f.fill(buffer, size);
                long needed = size.get(ValueLayout.JAVA_LONG, 0);
                if (rc < 0 && needed > room && Errors.of(rc).errorName().equals("ENOBUFS")) {
                    room = needed;
                    continue;
                }
                Errors.check(rc);
                return buffer.getString(0);
            }
        }
    }

    /** A char* field's string ("" for NULL). */
    private static String string(long pointer) {
        return pointer == 0 ? "" : Platform.cString(pointer, 4096);
    }
}
