package io.juv.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Everything juv knows that differs between operating systems, in one place.
 *
 * <p>The jextract bindings were generated on Linux x86-64, so their struct layouts are true
 * there only. Code above this class never reads a libuv or libc struct by offset: it uses
 * libuv's accessor functions, and the few fields juv reads or writes itself ({@code uv_buf_t},
 * the data slot of handles and requests, {@code sockaddr}'s port, {@code addrinfo}'s links) are
 * reached here, per OS.
 */
public final class Platform {

    public enum Os { LINUX, MAC, WINDOWS, OTHER }

    public static final Os OS = detect();

    private static Os detect() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) return Os.LINUX;
        if (name.startsWith("mac") || name.startsWith("darwin")) return Os.MAC;
        if (name.startsWith("windows")) return Os.WINDOWS;
        return Os.OTHER;
    }

    private Platform() {}

    // ---------------------------------------------------------------- the library's file

    /** Names and places to try for libuv, most specific first. */
    static List<Path> libuvCandidates() {
        List<String> names = switch (OS) {
            case LINUX, OTHER -> List.of("libuv.so.1", "libuv.so");
            case MAC -> List.of("libuv.1.dylib", "libuv.dylib");
            case WINDOWS -> List.of("uv.dll", "libuv.dll");
        };
        List<String> dirs = new ArrayList<>();
        addPathList(dirs, System.getProperty("java.library.path"));
        addPathList(dirs, System.getenv(OS == Os.MAC ? "DYLD_LIBRARY_PATH" : "LD_LIBRARY_PATH"));
        switch (OS) {
            case LINUX, OTHER -> dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                    "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"));
            case MAC -> dirs.addAll(List.of("/opt/homebrew/lib", "/usr/local/lib", "/opt/local/lib"));
            case WINDOWS -> addPathList(dirs, System.getenv("PATH"));
        }
        List<Path> found = new ArrayList<>();
        for (String dir : dirs) {
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p)) found.add(p.toAbsolutePath());
            }
        }
        return found;
    }

    private static void addPathList(List<String> into, String list) {
        if (list == null || list.isBlank()) return;
        for (String d : list.split(java.io.File.pathSeparator)) if (!d.isBlank()) into.add(d);
    }

    static String installHint() {
        return switch (OS) {
            case LINUX, OTHER -> "install libuv 1.44 or newer (Debian/Ubuntu: apt-get install libuv1)";
            case MAC -> "install libuv 1.44 or newer (brew install libuv)";
            case WINDOWS -> "put uv.dll (libuv 1.44 or newer) on PATH";
        };
    }

    // ---------------------------------------------------------------- pointers

    static {
        LibUv.checkNativeAccess(); // before the first restricted call below, so that juv's hint comes before the JDK's warning
        if (ADDRESS.byteSize() != 8) throw new UnsupportedOperationException("juv needs a 64-bit platform");
    }

    /**
     * All of the address space, for reading and writing the few native fields juv owns (uv_buf_t,
     * the data juv copies) at an address, with no MemorySegment made per access.
     */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** A segment for size bytes at an address juv allocated. */
    public static MemorySegment segment(long address, long size) {
        return ALL.asSlice(address, size);
    }

    /**
     * A C signature with every pointer passed as a 64-bit integer: the same registers and stack
     * slots in every 64-bit calling convention FFM supports (System V, AArch64, Windows x64), and
     * no MemorySegment object per pointer crossing the boundary.
     */
    public static FunctionDescriptor pointersAsLongs(FunctionDescriptor c) {
        MemoryLayout[] args = c.argumentLayouts().stream().map(Platform::pointerAsLong).toArray(MemoryLayout[]::new);
        return c.returnLayout().isPresent()
                ? FunctionDescriptor.of(pointerAsLong(c.returnLayout().get()), args)
                : FunctionDescriptor.ofVoid(args);
    }

    private static MemoryLayout pointerAsLong(MemoryLayout l) {
        return l instanceof AddressLayout ? ValueLayout.JAVA_LONG : l;
    }

    // ---------------------------------------------------------------- the data slot

    /**
     * The {@code data} field of a uv_handle_t or uv_req_t. It is the first member of
     * UV_HANDLE_FIELDS and of UV_REQ_FIELDS in uv.h on every platform, so it is read in place: a
     * plain load instead of a downcall to uv_handle_get_data, on every upcall (UpcallBench measures
     * the difference). juv still sets it through libuv's accessor.
     */
    public static long dataOf(long handleOrRequest) {
        return ALL.get(ValueLayout.JAVA_LONG, handleOrRequest);
    }

    /** The NUL-terminated string at an address, reading at most max bytes. */
    public static String cString(long address, long max) {
        return MemorySegment.ofAddress(address).reinterpret(max).getString(0);
    }

    // ---------------------------------------------------------------- uv_buf_t

    /** sizeof(uv_buf_t): a pointer and a length, 16 bytes on every 64-bit platform. */
    public static final long BUF_SIZE = 16;

    /** The base pointer of the uv_buf_t at buf. */
    public static long bufBase(long buf) {
        return ALL.get(ValueLayout.JAVA_LONG, OS == Os.WINDOWS ? buf + 8 : buf);
    }

    /** Fills the uv_buf_t at buf. Unix: {char* base; size_t len}. Windows: {ULONG len; char* base}. */
    public static void setBuf(long buf, long base, long length) {
        if (OS == Os.WINDOWS) {
            ALL.set(JAVA_INT, buf, (int) length);
            ALL.set(ValueLayout.JAVA_LONG, buf + 8, base);
        } else {
            ALL.set(ValueLayout.JAVA_LONG, buf, base);
            ALL.set(ValueLayout.JAVA_LONG, buf + 8, length);
        }
    }

    // ---------------------------------------------------------------- sockaddr / addrinfo

    /** sizeof(struct sockaddr_storage): 128 on Linux, macOS and Windows. */
    public static final long SOCKADDR_STORAGE = 128;

    /** The port of a sockaddr_in or sockaddr_in6: at offset 2, in network order, on every platform. */
    public static int port(MemorySegment sockaddr) {
        short raw = sockaddr.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2);
        return Short.toUnsignedInt(raw);
    }

    /** sizeof(struct addrinfo) on 64-bit platforms; the hints we pass are this many zeroed bytes. */
    public static final long ADDRINFO_SIZE = 48;

    /** AF_INET: 2 everywhere. AF_INET6: 10 on Linux, 30 on macOS, 23 on Windows. AF_UNSPEC: 0. */
    public static final int AF_INET = 2;
    public static final int AF_INET6 = switch (OS) {
        case LINUX, OTHER -> 10;
        case MAC -> 30;
        case WINDOWS -> 23;
    };

    /**
     * Hints for a stream lookup: ai_family (the second int) as given, ai_socktype = SOCK_STREAM
     * (1 on every platform; the third int), the rest zero.
     */
    public static void hintsStream(MemorySegment hints, int family) {
        hints.fill((byte) 0);
        hints.set(JAVA_INT, 4, family);
        hints.set(JAVA_INT, 8, 1);
    }

    /** A sockaddr's family: a 16-bit field at 0, except on macOS (sa_len, then an 8-bit sa_family). */
    public static int family(MemorySegment sockaddr) {
        return OS == Os.MAC ? Byte.toUnsignedInt(sockaddr.get(ValueLayout.JAVA_BYTE, 1))
                : Short.toUnsignedInt(sockaddr.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
    }

    /**
     * Network-order fields. Constants, not made per call: each new layout costs its access a
     * lookup in the JDK's cache of var handles, a ConcurrentHashMap, on every datagram.
     */
    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * Writes the sockaddr_in or sockaddr_in6 of an IP address and port at {@code into} (a
     * sockaddr_storage) from the address's bytes: no text is parsed per datagram. The layouts
     * agree everywhere but for the family field ({@link #family}): the port at 2 in network
     * order; IPv4's address at 4; IPv6's flow info at 4, address at 8, scope id at 24. With
     * {@code asIpv6}, for a dual-stack IPv6 socket, an IPv4 address goes as its IPv4-mapped
     * IPv6 form (::ffff:a.b.c.d), the only form such a socket sends to.
     */
    public static void writeSockaddr(long into, java.net.InetAddress ip, int port, boolean asIpv6) {
        boolean v6 = asIpv6 || ip instanceof java.net.Inet6Address;
        // sizeof sockaddr_in6 / sockaddr_in: libuv reads no further than the family's own size.
        ALL.asSlice(into, v6 ? 28 : 16).fill((byte) 0);
        int family = v6 ? AF_INET6 : AF_INET;
        if (OS == Os.MAC) {
            ALL.set(ValueLayout.JAVA_BYTE, into, (byte) (v6 ? 28 : 16));
            ALL.set(ValueLayout.JAVA_BYTE, into + 1, (byte) family);
        } else {
            ALL.set(ValueLayout.JAVA_SHORT_UNALIGNED, into, (short) family);
        }
        ALL.set(NET_SHORT, into + 2, (short) port);
        if (ip instanceof java.net.Inet4Address) {
            // Inet4Address's hash is its address: no byte array per datagram.
            if (v6) {
                ALL.set(ValueLayout.JAVA_SHORT_UNALIGNED, into + 8 + 10, (short) -1);
                ALL.set(NET_INT, into + 8 + 12, ip.hashCode());
            } else {
                ALL.set(NET_INT, into + 4, ip.hashCode());
            }
        } else {
            MemorySegment.copy(ip.getAddress(), 0, ALL, ValueLayout.JAVA_BYTE, into + 8, 16);
            ALL.set(ValueLayout.JAVA_INT_UNALIGNED, into + 24, ((java.net.Inet6Address) ip).getScopeId());
        }
    }

    /**
     * The IP address and port of the sockaddr at {@code sa}, or null for another family. An
     * IPv4 sender equal to {@code previous} is answered with it (Inet4Address's hash is its
     * address), so a peer sending many datagrams costs no allocation per datagram.
     */
    public static java.net.InetSocketAddress readSockaddr(long sa, java.net.InetSocketAddress previous) {
        int family = OS == Os.MAC ? Byte.toUnsignedInt(ALL.get(ValueLayout.JAVA_BYTE, sa + 1))
                : Short.toUnsignedInt(ALL.get(ValueLayout.JAVA_SHORT_UNALIGNED, sa));
        int port = Short.toUnsignedInt(ALL.get(NET_SHORT, sa + 2));
        try {
            if (family == AF_INET) {
                int raw = ALL.get(NET_INT, sa + 4);
                if (previous != null && previous.getPort() == port && previous.getAddress() instanceof java.net.Inet4Address p
                        && p.hashCode() == raw) {
                    return previous;
                }
                byte[] b = {(byte) (raw >>> 24), (byte) (raw >>> 16), (byte) (raw >>> 8), (byte) raw};
                return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(b), port);
            }
            if (family == AF_INET6) {
                byte[] b = new byte[16];
                MemorySegment.copy(ALL, ValueLayout.JAVA_BYTE, sa + 8, b, 0, 16);
                int scope = ALL.get(ValueLayout.JAVA_INT_UNALIGNED, sa + 24);
                java.net.InetAddress ip = scope == 0 ? java.net.InetAddress.getByAddress(b)
                        : java.net.Inet6Address.getByAddress(null, b, scope);
                return new java.net.InetSocketAddress(ip, port);
            }
            return null;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // only for a byte array of the wrong length
        }
    }

    // ---------------------------------------------------------------- pipe names

    /**
     * The longest pipe name, in bytes, that libuv passes on whole: sockaddr_un's sun_path less its
     * terminating NUL (108 bytes on Linux, 104 on macOS and the BSDs); Windows' named pipes take
     * 256 characters. libuv cuts a longer name short and would bind or connect to another path.
     */
    public static final int PIPE_NAME_MAX = switch (OS) {
        case LINUX -> 107;
        case MAC, OTHER -> 103;
        case WINDOWS -> 255;
    };

    /** Linux alone has abstract socket names (a name that starts with a NUL byte). */
    public static final boolean ABSTRACT_SOCKET_NAMES = OS == Os.LINUX;

    /** SOCK_STREAM: 1 on Linux, macOS and Windows. */
    public static final int SOCK_STREAM = 1;

    /**
     * Sockets are file descriptors (Unix), so uv_guess_handle can tell what one is; on Windows a
     * SOCKET is no C runtime descriptor, which is what uv_guess_handle takes.
     */
    public static final boolean SOCKETS_ARE_FDS = OS != Os.WINDOWS;

    /** uv_os_sock_t: an int on Unix, a SOCKET (a pointer-sized handle) on Windows. */
    public static final ValueLayout OS_SOCKET = OS == Os.WINDOWS ? ValueLayout.JAVA_LONG : JAVA_INT;

    /** The uv_os_sock_t at an index of an array of them. */
    public static long socketAt(MemorySegment sockets, long index) {
        return OS == Os.WINDOWS ? sockets.getAtIndex(ValueLayout.JAVA_LONG, index) : sockets.getAtIndex(JAVA_INT, index);
    }

    // ---------------------------------------------------------------- socket options libuv lacks

    private static final MethodHandle SETSOCKOPT = OS == Os.WINDOWS ? null : Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("setsockopt"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    /**
     * SO_REUSEPORT on a socket before bind, for libuv before 1.49 (which has UV_TCP_REUSEPORT).
     * Linux only (SOL_SOCKET 1, SO_REUSEPORT 15), as libuv 1.49 sets it only where the kernel
     * spreads connections over the sockets (macOS has the option, with other semantics and no
     * balancing). Returns false elsewhere.
     */
    public static boolean setReusePort(int fd) {
        if (OS != Os.LINUX || SETSOCKOPT == null) return false;
        int level = 1;
        int option = 15;
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            int rc = (int) SETSOCKOPT.invokeExact(fd, level, option, arena.allocateFrom(JAVA_INT, 1), 4);
            if (rc != 0) throw new IllegalStateException("setsockopt(SO_REUSEPORT) failed on fd " + fd);
            return true;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setsockopt failed", t);
        }
    }

    // ---------------------------------------------------------------- descriptors a poller watches (svc)

    private static final MethodHandle DUP = OS == Os.WINDOWS ? null : Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("dup"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE_FD = OS == Os.WINDOWS ? null : Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /**
     * A descriptor of juv's own for the open file behind fd (POSIX dup), or -1 if fd is not open.
     * On Windows, where uv_poll takes sockets, the socket itself: there is nothing to duplicate.
     */
    public static int duplicate(int fd) {
        if (DUP == null) return fd;
        try {
            return (int) DUP.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("dup failed", t);
        }
    }

    /** Closes a descriptor {@link #duplicate} made. */
    public static void closeDuplicate(int fd) {
        if (CLOSE_FD == null) return;
        try {
            int rc = (int) CLOSE_FD.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close failed", t);
        }
    }

    // ---------------------------------------------------------------- readiness libuv does not tell (StreamServer)

    /** poll(2); its nfds_t is an unsigned long in glibc, an unsigned int on macOS and the BSDs. */
    private static final boolean POLL_NFDS_LONG = OS == Os.LINUX;
    private static final MethodHandle POLL = OS == Os.WINDOWS ? null : Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("poll"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, POLL_NFDS_LONG ? ValueLayout.JAVA_LONG : JAVA_INT, JAVA_INT));
    /** struct pollfd { int fd; short events; short revents; }, and POLLIN: the same on Linux, macOS and the BSDs. */
    private static final short POLLIN = 1;

    /** A struct pollfd (int fd, short events, short revents): the memory {@link #connectionWaiting} asks with. */
    public static final long POLLFD_SIZE = 8;

    /**
     * Whether a connection waits on a listening socket (it polls readable), asked of the kernel
     * without waiting; false on Windows, where libuv accepts otherwise, and on any error. The
     * caller's {@code pollfd} ({@link #POLLFD_SIZE} bytes, kept from one call to the next) makes
     * the question allocate nothing: it is asked on a busy loop's turns.
     */
    public static boolean connectionWaiting(MemorySegment pollfd, int fd) {
        if (POLL == null || fd < 0) return false;
        try {
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int rc = POLL_NFDS_LONG ? (int) POLL.invokeExact(pollfd, 1L, 0) : (int) POLL.invokeExact(pollfd, 1, 0);
            return rc > 0 && (pollfd.get(ValueLayout.JAVA_SHORT, 6) & POLLIN) != 0;
        } catch (Throwable t) {
            throw new IllegalStateException("poll failed", t);
        }
    }

    /** ai_addr and ai_next: glibc puts ai_addr before ai_canonname, BSD and Windows after it. */
    public static MemorySegment addrinfoAddr(MemorySegment ai) {
        return ai.reinterpret(ADDRINFO_SIZE).get(ADDRESS, OS == Os.LINUX || OS == Os.OTHER ? 24 : 32);
    }

    public static MemorySegment addrinfoNext(MemorySegment ai) {
        return ai.reinterpret(ADDRINFO_SIZE).get(ADDRESS, 40);
    }

    // ---------------------------------------------------------------- signals

    /**
     * Signals the JVM needs for itself: implicit null checks and safepoints (SEGV, BUS, ILL,
     * FPE), thread suspension (USR2 on Linux and macOS), and the two no process can catch.
     * Handing these to libuv would break the JVM, so juv refuses them.
     */
    static final Set<String> JVM_RESERVED = Set.of("SEGV", "BUS", "ILL", "FPE", "USR2", "KILL", "STOP");

    /** True for the signals the JVM cannot lend to libuv. */
    public static boolean jvmReserves(String signalName) {
        return JVM_RESERVED.contains(signalName);
    }

    /**
     * The signals libuv emulates on Windows that the C runtime (and so the JVM) has no number for:
     * uv/win.h gives them their Linux numbers (SIGBREAK, 21, is the CRT's own).
     */
    private static final java.util.Map<String, Integer> LIBUV_WINDOWS_SIGNALS = java.util.Map.of("HUP", 1, "KILL", 9, "WINCH", 28);

    /** The platform's own number for a signal name, as the JVM knows it (on Windows, or libuv); -1 if there is none. */
    public static int signalNumber(String name) {
        int n;
        try {
            // sun.misc.Signal (module jdk.unsupported) knows the running OS's numbers; read it
            // reflectively so the build has no compile-time tie to an unsupported API.
            Class<?> signal = Class.forName("sun.misc.Signal");
            Object s = signal.getConstructor(String.class).newInstance(name);
            n = (int) signal.getMethod("getNumber").invoke(s);
        } catch (ReflectiveOperationException | RuntimeException e) {
            n = -1;
        }
        return n < 0 && OS == Os.WINDOWS ? LIBUV_WINDOWS_SIGNALS.getOrDefault(name, -1) : n;
    }

    private static final MethodHandle SIGACTION = OS == Os.WINDOWS ? null : Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("sigaction"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** Large enough for struct sigaction everywhere (152 bytes on Linux, 16 on macOS). */
    static final long SIGACTION_SIZE = 256;

    /**
     * libuv, when the last watcher of a signal stops, resets that signal to SIG_DFL instead of
     * what was there before. For INT, TERM, HUP and QUIT what was there is the JVM's own
     * handler (shutdown hooks, thread dumps), so juv saves it before libuv takes the signal and
     * puts it back after. Returns false where the OS has no sigaction (Windows).
     */
    static boolean saveDisposition(int signum, MemorySegment into) {
        if (SIGACTION == null) return false;
        try {
            return (int) SIGACTION.invokeExact(signum, MemorySegment.NULL, into) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction failed", t);
        }
    }

    static void restoreDisposition(int signum, MemorySegment from) {
        if (SIGACTION == null) return;
        try {
            int rc = (int) SIGACTION.invokeExact(signum, from, MemorySegment.NULL);
            if (rc != 0) throw new IllegalStateException("sigaction(" + signum + ") failed: " + rc);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction failed", t);
        }
    }

    /** The address of the handler now installed for a signal (sa_handler is the first field everywhere). */
    public static long currentHandler(int signum) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SIGACTION_SIZE);
            if (!saveDisposition(signum, sa)) return 0;
            return sa.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    // ---------------------------------------------------------------- files (uv_fs_*)

    /**
     * open(2)'s flags as uv_fs_open takes them: the C library's own O_* values (uv/unix.h,
     * uv/win.h), which differ per OS and, on Linux, per architecture (O_NOFOLLOW on arm64). 0: not on this platform.
     */
    public record OpenFlags(int readOnly, int writeOnly, int readWrite, int append, int create, int exclusive,
                            int truncate, int sync, int dsync, int noFollow) {}

    private static final boolean ARM64 = System.getProperty("os.arch", "").equals("aarch64");

    public static final OpenFlags OPEN_FLAGS = switch (OS) {
        // asm-generic's values (x86-64's too), except the three arm64 moved.
        case LINUX, OTHER -> new OpenFlags(0, 01, 02, 02000, 0100, 0200, 01000, 04010000, 010000, ARM64 ? 0100000 : 0400000);
        case MAC -> new OpenFlags(0, 0x1, 0x2, 0x8, 0x200, 0x800, 0x400, 0x80, 0x400000, 0x100);
        // libuv's own emulation of the flags on Windows (uv/win.h): the CRT's _O_* and its additions; no O_NOFOLLOW.
        case WINDOWS -> new OpenFlags(0, 0x1, 0x2, 0x8, 0x100, 0x400, 0x200, 0x08000000, 0x04000000, 0);
    };

    // ---------------------------------------------------------------- libuv's public structs
    //
    // The structs of uv.h that juv reads or fills itself, laid out here from the running platform's
    // own C type widths, never taken from the bindings: jextract computed those on Linux x86-64,
    // and they are true there only. PlatformLayoutTest checks every layout below against
    // jextract's where the bindings were generated. What differs per OS is said at each struct.
    // The accessors read and write in place at an address, at offsets computed once: no
    // MemorySegment per field (a stat poller reads two uv_stat_t on every change).

    /** C's long: 64 bits on Linux and macOS (LP64), 32 on Windows (LLP64). uv_timespec_t and uv_timeval_t are made of it. */
    private static final ValueLayout C_LONG = (ValueLayout) Linker.nativeLinker().canonicalLayouts().get("long");
    private static final boolean C_LONG_IS_64 = C_LONG.byteSize() == 8;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG;
    /** A pointer field, read as the address it holds (64 bits: checked above). */
    private static final ValueLayout.OfLong POINTER = ValueLayout.JAVA_LONG;

    private static long offset(MemoryLayout struct, String field) {
        return struct.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static long u64(long address) {
        return ALL.get(U64, address);
    }

    private static long cLong(long address) {
        return C_LONG_IS_64 ? ALL.get(ValueLayout.JAVA_LONG, address) : ALL.get(JAVA_INT, address);
    }

    private static MemoryLayout[] u64s(String... names) {
        MemoryLayout[] fields = new MemoryLayout[names.length];
        for (int i = 0; i < names.length; i++) fields[i] = U64.withName(names[i]);
        return fields;
    }

    private static MemoryLayout[] concat(MemoryLayout[] a, MemoryLayout... b) {
        MemoryLayout[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    // ---- uv_stat_t (uv_fs_stat and kin, uv_fs_poll)

    /** uv_timespec_t {long tv_sec; long tv_nsec;}: C longs, 8 bytes on Windows, 16 elsewhere. */
    static final StructLayout UV_TIMESPEC = MemoryLayout.structLayout(C_LONG.withName("tv_sec"), C_LONG.withName("tv_nsec"));

    /**
     * uv_stat_t is libuv's own struct: twelve uint64_t, in the same order everywhere, then four
     * uv_timespec_t (atim, mtim, ctim, birthtim), whose C long makes them 32 bytes shorter on Windows.
     */
    static final StructLayout UV_STAT = MemoryLayout.structLayout(concat(
            u64s("st_dev", "st_mode", "st_nlink", "st_uid", "st_gid", "st_rdev", "st_ino", "st_size", "st_blksize",
                    "st_blocks", "st_flags", "st_gen"),
            UV_TIMESPEC.withName("st_atim"), UV_TIMESPEC.withName("st_mtim"), UV_TIMESPEC.withName("st_ctim"),
            UV_TIMESPEC.withName("st_birthtim")));

    public static final long STAT_SIZE = UV_STAT.byteSize();
    private static final long ST_DEV = offset(UV_STAT, "st_dev"), ST_MODE = offset(UV_STAT, "st_mode"),
            ST_NLINK = offset(UV_STAT, "st_nlink"), ST_UID = offset(UV_STAT, "st_uid"), ST_GID = offset(UV_STAT, "st_gid"),
            ST_RDEV = offset(UV_STAT, "st_rdev"), ST_INO = offset(UV_STAT, "st_ino"), ST_SIZE = offset(UV_STAT, "st_size"),
            ST_BLKSIZE = offset(UV_STAT, "st_blksize"), ST_BLOCKS = offset(UV_STAT, "st_blocks"),
            ST_FLAGS = offset(UV_STAT, "st_flags"), ST_GEN = offset(UV_STAT, "st_gen"), ST_ATIM = offset(UV_STAT, "st_atim");

    public static long statDev(long stat) { return u64(stat + ST_DEV); }
    public static long statMode(long stat) { return u64(stat + ST_MODE); }
    public static long statNlink(long stat) { return u64(stat + ST_NLINK); }
    public static long statUid(long stat) { return u64(stat + ST_UID); }
    public static long statGid(long stat) { return u64(stat + ST_GID); }
    public static long statRdev(long stat) { return u64(stat + ST_RDEV); }
    public static long statIno(long stat) { return u64(stat + ST_INO); }
    public static long statSize(long stat) { return u64(stat + ST_SIZE); }
    public static long statBlksize(long stat) { return u64(stat + ST_BLKSIZE); }
    public static long statBlocks(long stat) { return u64(stat + ST_BLOCKS); }
    public static long statFlags(long stat) { return u64(stat + ST_FLAGS); }
    public static long statGen(long stat) { return u64(stat + ST_GEN); }

    /** One of uv_stat_t's times (0 atime, 1 mtime, 2 ctime, 3 birthtime) as seconds and nanoseconds. */
    public static java.time.Instant statTime(long stat, int which) {
        long at = stat + ST_ATIM + which * UV_TIMESPEC.byteSize();
        return java.time.Instant.ofEpochSecond(cLong(at), cLong(at + C_LONG.byteSize()));
    }

    // ---- uv_statfs_t (uv_fs_statfs)

    /** uv_statfs_t: seven uint64_t and uint64_t f_spare[4], the same everywhere (libuv fills in what the OS has). */
    static final StructLayout UV_STATFS = MemoryLayout.structLayout(concat(
            u64s("f_type", "f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree"),
            MemoryLayout.sequenceLayout(4, U64).withName("f_spare")));

    private static final long F_TYPE = offset(UV_STATFS, "f_type"), F_BSIZE = offset(UV_STATFS, "f_bsize"),
            F_BLOCKS = offset(UV_STATFS, "f_blocks"), F_BFREE = offset(UV_STATFS, "f_bfree"),
            F_BAVAIL = offset(UV_STATFS, "f_bavail"), F_FILES = offset(UV_STATFS, "f_files"),
            F_FFREE = offset(UV_STATFS, "f_ffree");

    public static long statfsType(long statfs) { return u64(statfs + F_TYPE); }
    public static long statfsBsize(long statfs) { return u64(statfs + F_BSIZE); }
    public static long statfsBlocks(long statfs) { return u64(statfs + F_BLOCKS); }
    public static long statfsBfree(long statfs) { return u64(statfs + F_BFREE); }
    public static long statfsBavail(long statfs) { return u64(statfs + F_BAVAIL); }
    public static long statfsFiles(long statfs) { return u64(statfs + F_FILES); }
    public static long statfsFfree(long statfs) { return u64(statfs + F_FFREE); }

    // ---- uv_dirent_t (uv_fs_scandir_next, uv_fs_readdir) and uv_dir_t (uv_fs_opendir)

    /** uv_dirent_t {const char* name; uv_dirent_type_t type;}: a pointer and an enum (an int), the same everywhere. */
    static final StructLayout UV_DIRENT = MemoryLayout.structLayout(ADDRESS.withName("name"), JAVA_INT.withName("type"),
            MemoryLayout.paddingLayout(4));

    public static final long DIRENT_SIZE = UV_DIRENT.byteSize();
    private static final long DIRENT_NAME = offset(UV_DIRENT, "name"), DIRENT_TYPE = offset(UV_DIRENT, "type");

    /** The entry's name: a char* into libuv's memory, valid until the request's cleanup. */
    public static long direntName(long dirent) { return ALL.get(POINTER, dirent + DIRENT_NAME); }
    /** A uv_dirent_type_t (Uv.DIRENT_FILE and kin). */
    public static int direntType(long dirent) { return ALL.get(JAVA_INT, dirent + DIRENT_TYPE); }

    /**
     * uv_dir_t's public part {uv_dirent_t* dirents; size_t nentries; void* reserved[4];}, the same
     * everywhere; what follows is private to libuv and differs per OS (a DIR* on Unix, a HANDLE and
     * a WIN32_FIND_DATAW on Windows), so juv never reads past it.
     */
    static final StructLayout UV_DIR_PUBLIC = MemoryLayout.structLayout(ADDRESS.withName("dirents"),
            ValueLayout.JAVA_LONG.withName("nentries"), MemoryLayout.sequenceLayout(4, ADDRESS).withName("reserved"));
    private static final long DIR_DIRENTS = offset(UV_DIR_PUBLIC, "dirents"), DIR_NENTRIES = offset(UV_DIR_PUBLIC, "nentries");

    /** Points a uv_dir_t at the array a uv_fs_readdir fills: up to nentries uv_dirent_t at dirents. */
    public static void dirEntries(long dir, long dirents, long nentries) {
        ALL.set(POINTER, dir + DIR_DIRENTS, dirents);
        ALL.set(ValueLayout.JAVA_LONG, dir + DIR_NENTRIES, nentries);
    }

    // ---- uv_cpu_info_t (uv_cpu_info)

    /** struct uv_cpu_times_s: five uint64_t, the same everywhere. */
    static final StructLayout UV_CPU_TIMES = MemoryLayout.structLayout(u64s("user", "nice", "sys", "idle", "irq"));

    /** uv_cpu_info_t {char* model; int speed; struct uv_cpu_times_s cpu_times;}, the same everywhere. */
    static final StructLayout UV_CPU_INFO = MemoryLayout.structLayout(ADDRESS.withName("model"), JAVA_INT.withName("speed"),
            MemoryLayout.paddingLayout(4), UV_CPU_TIMES.withName("cpu_times"));

    public static final long CPU_INFO_SIZE = UV_CPU_INFO.byteSize();
    private static final long CPU_MODEL = offset(UV_CPU_INFO, "model"), CPU_SPEED = offset(UV_CPU_INFO, "speed"),
            CPU_TIMES = offset(UV_CPU_INFO, "cpu_times");
    private static final long CPU_USER = CPU_TIMES + offset(UV_CPU_TIMES, "user"), CPU_NICE = CPU_TIMES + offset(UV_CPU_TIMES, "nice"),
            CPU_SYS = CPU_TIMES + offset(UV_CPU_TIMES, "sys"), CPU_IDLE = CPU_TIMES + offset(UV_CPU_TIMES, "idle"),
            CPU_IRQ = CPU_TIMES + offset(UV_CPU_TIMES, "irq");

    /** The model's name: a char* (NULL where the system does not tell). */
    public static long cpuModel(long info) { return ALL.get(POINTER, info + CPU_MODEL); }
    public static int cpuSpeed(long info) { return ALL.get(JAVA_INT, info + CPU_SPEED); }
    public static long cpuUser(long info) { return u64(info + CPU_USER); }
    public static long cpuNice(long info) { return u64(info + CPU_NICE); }
    public static long cpuSys(long info) { return u64(info + CPU_SYS); }
    public static long cpuIdle(long info) { return u64(info + CPU_IDLE); }
    public static long cpuIrq(long info) { return u64(info + CPU_IRQ); }

    // ---- uv_interface_address_t (uv_interface_addresses)

    /**
     * sizeof(struct sockaddr_in6), the larger member of uv_interface_address_t's address unions:
     * 28 bytes on Linux, macOS and Windows, at 4-byte alignment. Only the family field inside it
     * differs per OS ({@link #readSockaddr} reads it).
     */
    private static final long SOCKADDR_IN6_SIZE = 28;

    /**
     * uv_interface_address_t {char* name; char phys_addr[6]; int is_internal; union {sockaddr_in,
     * sockaddr_in6} address; union {...} netmask;}: the same offsets everywhere.
     */
    static final StructLayout UV_INTERFACE_ADDRESS = MemoryLayout.structLayout(ADDRESS.withName("name"),
            MemoryLayout.sequenceLayout(6, ValueLayout.JAVA_BYTE).withName("phys_addr"), MemoryLayout.paddingLayout(2),
            JAVA_INT.withName("is_internal"),
            MemoryLayout.sequenceLayout(SOCKADDR_IN6_SIZE, ValueLayout.JAVA_BYTE).withName("address"),
            MemoryLayout.sequenceLayout(SOCKADDR_IN6_SIZE, ValueLayout.JAVA_BYTE).withName("netmask"),
            MemoryLayout.paddingLayout(4));

    public static final long INTERFACE_ADDRESS_SIZE = UV_INTERFACE_ADDRESS.byteSize();
    private static final long IF_NAME = offset(UV_INTERFACE_ADDRESS, "name"), IF_PHYS_ADDR = offset(UV_INTERFACE_ADDRESS, "phys_addr"),
            IF_INTERNAL = offset(UV_INTERFACE_ADDRESS, "is_internal"), IF_ADDRESS = offset(UV_INTERFACE_ADDRESS, "address"),
            IF_NETMASK = offset(UV_INTERFACE_ADDRESS, "netmask");

    /** The interface's name: a char*. */
    public static long interfaceName(long ia) { return ALL.get(POINTER, ia + IF_NAME); }
    /** The six bytes of the hardware address. */
    public static byte[] interfacePhysAddr(long ia) {
        byte[] mac = new byte[6];
        MemorySegment.copy(ALL, ValueLayout.JAVA_BYTE, ia + IF_PHYS_ADDR, mac, 0, mac.length);
        return mac;
    }
    public static boolean interfaceIsInternal(long ia) { return ALL.get(JAVA_INT, ia + IF_INTERNAL) != 0; }
    /** The address of the interface's sockaddr (IPv4 or IPv6), for {@link #readSockaddr}. */
    public static long interfaceAddress(long ia) { return ia + IF_ADDRESS; }
    /** The address of the netmask's sockaddr, for {@link #readSockaddr}. */
    public static long interfaceNetmask(long ia) { return ia + IF_NETMASK; }

    // ---- uv_utsname_t (uv_os_uname)

    /** uv_utsname_t: four char[256], the same everywhere (libuv copies the OS's strings into them). */
    static final StructLayout UV_UTSNAME = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE).withName("sysname"),
            MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE).withName("release"),
            MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE).withName("version"),
            MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE).withName("machine"));

    public static final long UTSNAME_SIZE = UV_UTSNAME.byteSize();
    private static final long UTS_SYSNAME = offset(UV_UTSNAME, "sysname"), UTS_RELEASE = offset(UV_UTSNAME, "release"),
            UTS_VERSION = offset(UV_UTSNAME, "version"), UTS_MACHINE = offset(UV_UTSNAME, "machine");

    public static String unameSysname(long uts) { return cString(uts + UTS_SYSNAME, 256); }
    public static String unameRelease(long uts) { return cString(uts + UTS_RELEASE, 256); }
    public static String unameVersion(long uts) { return cString(uts + UTS_VERSION, 256); }
    public static String unameMachine(long uts) { return cString(uts + UTS_MACHINE, 256); }

    // ---- uv_rusage_t (uv_getrusage)

    /** uv_timeval_t {long tv_sec; long tv_usec;}: C longs, 8 bytes on Windows, 16 elsewhere. */
    static final StructLayout UV_TIMEVAL = MemoryLayout.structLayout(C_LONG.withName("tv_sec"), C_LONG.withName("tv_usec"));

    /**
     * uv_rusage_t: two uv_timeval_t (user and system time), then fourteen uint64_t. The timevals'
     * C longs put the counters 16 bytes earlier on Windows than elsewhere.
     */
    static final StructLayout UV_RUSAGE = MemoryLayout.structLayout(concat(
            new MemoryLayout[] {UV_TIMEVAL.withName("ru_utime"), UV_TIMEVAL.withName("ru_stime")},
            u64s("ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt", "ru_nswap", "ru_inblock",
                    "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw")));

    public static final long RUSAGE_SIZE = UV_RUSAGE.byteSize();
    private static final long RU_UTIME = offset(UV_RUSAGE, "ru_utime"), RU_STIME = offset(UV_RUSAGE, "ru_stime"),
            RU_MAXRSS = offset(UV_RUSAGE, "ru_maxrss"), RU_IXRSS = offset(UV_RUSAGE, "ru_ixrss"),
            RU_IDRSS = offset(UV_RUSAGE, "ru_idrss"), RU_ISRSS = offset(UV_RUSAGE, "ru_isrss"),
            RU_MINFLT = offset(UV_RUSAGE, "ru_minflt"), RU_MAJFLT = offset(UV_RUSAGE, "ru_majflt"),
            RU_NSWAP = offset(UV_RUSAGE, "ru_nswap"), RU_INBLOCK = offset(UV_RUSAGE, "ru_inblock"),
            RU_OUBLOCK = offset(UV_RUSAGE, "ru_oublock"), RU_MSGSND = offset(UV_RUSAGE, "ru_msgsnd"),
            RU_MSGRCV = offset(UV_RUSAGE, "ru_msgrcv"), RU_NSIGNALS = offset(UV_RUSAGE, "ru_nsignals"),
            RU_NVCSW = offset(UV_RUSAGE, "ru_nvcsw"), RU_NIVCSW = offset(UV_RUSAGE, "ru_nivcsw");

    private static java.time.Duration timeval(long tv) {
        return java.time.Duration.ofSeconds(cLong(tv)).plusNanos(cLong(tv + C_LONG.byteSize()) * 1000);
    }

    public static java.time.Duration rusageUserTime(long ru) { return timeval(ru + RU_UTIME); }
    public static java.time.Duration rusageSystemTime(long ru) { return timeval(ru + RU_STIME); }
    public static long rusageMaxrss(long ru) { return u64(ru + RU_MAXRSS); }
    public static long rusageIxrss(long ru) { return u64(ru + RU_IXRSS); }
    public static long rusageIdrss(long ru) { return u64(ru + RU_IDRSS); }
    public static long rusageIsrss(long ru) { return u64(ru + RU_ISRSS); }
    public static long rusageMinflt(long ru) { return u64(ru + RU_MINFLT); }
    public static long rusageMajflt(long ru) { return u64(ru + RU_MAJFLT); }
    public static long rusageNswap(long ru) { return u64(ru + RU_NSWAP); }
    public static long rusageInblock(long ru) { return u64(ru + RU_INBLOCK); }
    public static long rusageOublock(long ru) { return u64(ru + RU_OUBLOCK); }
    public static long rusageMsgsnd(long ru) { return u64(ru + RU_MSGSND); }
    public static long rusageMsgrcv(long ru) { return u64(ru + RU_MSGRCV); }
    public static long rusageNsignals(long ru) { return u64(ru + RU_NSIGNALS); }
    public static long rusageNvcsw(long ru) { return u64(ru + RU_NVCSW); }
    public static long rusageNivcsw(long ru) { return u64(ru + RU_NIVCSW); }

    // ---- uv_env_item_t (uv_os_environ)

    /** uv_env_item_t {char* name; char* value;}, the same everywhere. */
    static final StructLayout UV_ENV_ITEM = MemoryLayout.structLayout(ADDRESS.withName("name"), ADDRESS.withName("value"));

    public static final long ENV_ITEM_SIZE = UV_ENV_ITEM.byteSize();
    private static final long ENV_NAME = offset(UV_ENV_ITEM, "name"), ENV_VALUE = offset(UV_ENV_ITEM, "value");

    /** The variable's name: a char*. */
    public static long envItemName(long item) { return ALL.get(POINTER, item + ENV_NAME); }
    /** The variable's value: a char*. */
    public static long envItemValue(long item) { return ALL.get(POINTER, item + ENV_VALUE); }

    // ---- uv_process_options_t and uv_stdio_container_t (uv_spawn)

    /**
     * uv_uid_t and uv_gid_t: uid_t and gid_t (32-bit) on Unix, unsigned char on Windows (uv/win.h).
     * The fields before them have the same offsets everywhere, and the struct's size is 64 bytes
     * on both (padded to 8).
     */
    private static final ValueLayout UID = OS == Os.WINDOWS ? ValueLayout.JAVA_BYTE : JAVA_INT;

    /**
     * uv_process_options_t {uv_exit_cb exit_cb; const char* file; char** args; char** env; const
     * char* cwd; unsigned int flags; int stdio_count; uv_stdio_container_t* stdio; uv_uid_t uid;
     * uv_gid_t gid;}.
     */
    static final StructLayout UV_PROCESS_OPTIONS = MemoryLayout.structLayout(concat(new MemoryLayout[] {
            ADDRESS.withName("exit_cb"), ADDRESS.withName("file"), ADDRESS.withName("args"), ADDRESS.withName("env"),
            ADDRESS.withName("cwd"), JAVA_INT.withName("flags"), JAVA_INT.withName("stdio_count"),
            ADDRESS.withName("stdio"), UID.withName("uid"), UID.withName("gid")},
            UID.byteSize() == 1 ? new MemoryLayout[] {MemoryLayout.paddingLayout(6)} : new MemoryLayout[0]));

    private static final long PO_EXIT_CB = offset(UV_PROCESS_OPTIONS, "exit_cb"), PO_FILE = offset(UV_PROCESS_OPTIONS, "file"),
            PO_ARGS = offset(UV_PROCESS_OPTIONS, "args"), PO_ENV = offset(UV_PROCESS_OPTIONS, "env"),
            PO_CWD = offset(UV_PROCESS_OPTIONS, "cwd"), PO_FLAGS = offset(UV_PROCESS_OPTIONS, "flags"),
            PO_STDIO_COUNT = offset(UV_PROCESS_OPTIONS, "stdio_count"), PO_STDIO = offset(UV_PROCESS_OPTIONS, "stdio"),
            PO_UID = offset(UV_PROCESS_OPTIONS, "uid"), PO_GID = offset(UV_PROCESS_OPTIONS, "gid");

    /** A zeroed uv_process_options_t in the arena: no env, no cwd, no flags, no stdio. */
    public static MemorySegment allocateProcessOptions(java.lang.foreign.Arena arena) {
        return arena.allocate(UV_PROCESS_OPTIONS);
    }

    public static void processExitCb(MemorySegment options, long cb) { options.set(POINTER, PO_EXIT_CB, cb); }
    public static void processFile(MemorySegment options, MemorySegment file) { options.set(ADDRESS, PO_FILE, file); }
    /** A NULL-terminated char*[]. */
    public static void processArgs(MemorySegment options, MemorySegment args) { options.set(ADDRESS, PO_ARGS, args); }
    /** A NULL-terminated char*[] of NAME=value, or NULL for the parent's environment. */
    public static void processEnv(MemorySegment options, MemorySegment env) { options.set(ADDRESS, PO_ENV, env); }
    public static void processCwd(MemorySegment options, MemorySegment cwd) { options.set(ADDRESS, PO_CWD, cwd); }
    /** UV_PROCESS_SETUID and kin (an unsigned int everywhere). */
    public static void processFlags(MemorySegment options, int flags) { options.set(JAVA_INT, PO_FLAGS, flags); }
    public static void processStdio(MemorySegment options, MemorySegment containers, int count) {
        options.set(ADDRESS, PO_STDIO, containers);
        options.set(JAVA_INT, PO_STDIO_COUNT, count);
    }
    /** Windows' libuv refuses UV_PROCESS_SETUID (UV_ENOTSUP) without reading the one byte juv writes there. */
    public static void processUid(MemorySegment options, int uid) { setUid(options, PO_UID, uid); }
    public static void processGid(MemorySegment options, int gid) { setUid(options, PO_GID, gid); }

    private static void setUid(MemorySegment options, long at, int id) {
        if (UID.byteSize() == 1) options.set(ValueLayout.JAVA_BYTE, at, (byte) id);
        else options.set(JAVA_INT, at, id);
    }

    /**
     * uv_stdio_container_t {uv_stdio_flags flags; union {uv_stream_t* stream; int fd;} data;}: an
     * enum (an int), then the pointer-aligned union, the same everywhere.
     */
    static final StructLayout UV_STDIO_CONTAINER = MemoryLayout.structLayout(JAVA_INT.withName("flags"),
            MemoryLayout.paddingLayout(4), ADDRESS.withName("data"));

    private static final long STDIO_FLAGS = offset(UV_STDIO_CONTAINER, "flags"), STDIO_DATA = offset(UV_STDIO_CONTAINER, "data");

    /** A zeroed array of count uv_stdio_container_t in the arena. */
    public static MemorySegment allocateStdioContainers(java.lang.foreign.Arena arena, int count) {
        return arena.allocate(UV_STDIO_CONTAINER, count);
    }

    /** Container i: a stream (data.stream, a uv_stream_t*) or a descriptor (data.fd), as flags say. */
    public static void stdioStream(MemorySegment containers, int i, int flags, long stream) {
        long at = i * UV_STDIO_CONTAINER.byteSize();
        containers.set(JAVA_INT, at + STDIO_FLAGS, flags);
        containers.set(POINTER, at + STDIO_DATA, stream);
    }

    public static void stdioFd(MemorySegment containers, int i, int flags, int fd) {
        long at = i * UV_STDIO_CONTAINER.byteSize();
        containers.set(JAVA_INT, at + STDIO_FLAGS, flags);
        containers.set(JAVA_INT, at + STDIO_DATA, fd);
    }
}
