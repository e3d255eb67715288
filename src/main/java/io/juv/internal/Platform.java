package io.juv.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
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

    /** The platform's own number for a signal name, as the JVM knows it; -1 if there is none. */
    public static int signalNumber(String name) {
        try {
            // sun.misc.Signal (module jdk.unsupported) knows the running OS's numbers; read it
            // reflectively so the build has no compile-time tie to an unsupported API.
            Class<?> signal = Class.forName("sun.misc.Signal");
            Object s = signal.getConstructor(String.class).newInstance(name);
            return (int) signal.getMethod("getNumber").invoke(s);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
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

    /**
     * uv_stat_t: twelve uint64_t fields (in the same order everywhere, read through the bindings'
     * layout), then four uv_timespec_t of two C longs each, and a C long is 32 bits on Windows.
     */
    private static final ValueLayout C_LONG = (ValueLayout) Linker.nativeLinker().canonicalLayouts().get("long");
    private static final long STAT_TIMES = 12 * 8;
    public static final long STAT_SIZE = STAT_TIMES + 4 * 2 * C_LONG.byteSize();

    /** One of uv_stat_t's times (0 atime, 1 mtime, 2 ctime, 3 birthtime) as seconds and nanoseconds. */
    public static java.time.Instant statTime(long stat, int which) {
        long at = stat + STAT_TIMES + which * 2 * C_LONG.byteSize();
        return C_LONG.byteSize() == 8
                ? java.time.Instant.ofEpochSecond(ALL.get(ValueLayout.JAVA_LONG, at), ALL.get(ValueLayout.JAVA_LONG, at + 8))
                : java.time.Instant.ofEpochSecond(ALL.get(JAVA_INT, at), ALL.get(JAVA_INT, at + 4));
    }
}
