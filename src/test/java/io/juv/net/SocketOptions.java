package io.juv.net;

import io.juv.internal.Errors;
import io.juv.internal.Platform;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Test support: reads a socket option back with the C library's getsockopt, for the options libuv
 * can set but not read (TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE, SO_REUSEPORT, IPV6_V6ONLY). The
 * numbers are Linux's; tests that use them run on Linux only.
 */
final class SocketOptions {

    static final int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_REUSEPORT = 15;
    static final int IPPROTO_TCP = 6, TCP_NODELAY = 1, TCP_KEEPIDLE = 4;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;

    private static final MethodHandle GETSOCKOPT = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("getsockopt"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private SocketOptions() {}

    static boolean readable() {
        return Platform.OS == Platform.Os.LINUX;
    }

    static int fd(TcpSocket socket) {
        return fd(socket.nativeHandle());
    }

    static int fd(TcpServer server) {
        return fd(server.nativeHandle());
    }

    private static int fd(long handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fd = arena.allocate(JAVA_LONG);
            Errors.check(Uv.fileno(handle, fd));
            return fd.get(JAVA_INT, 0);
        }
    }

    /** An int option's value, as getsockopt reports it. */
    static int get(int fd, int level, int option) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 4);
            int rc = (int) GETSOCKOPT.invokeExact(fd, level, option, value, length);
            if (rc != 0) throw new AssertionError("getsockopt(" + fd + ", " + level + ", " + option + ") failed");
            return value.get(JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int get(TcpSocket socket, int level, int option) {
        return get(fd(socket), level, option);
    }

    static int get(TcpServer server, int level, int option) {
        return get(fd(server), level, option);
    }
}
