package io.juv.internal;

import io.juv.bindings.uv_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libuv as juv calls it: every libuv function juv uses. Above the bindings only this class calls
 * libuv, besides {@link LibUv} (which must check the version before anything else runs) and
 * {@link Upcalls} (which builds its stubs from the generated callback types).
 *
 * <p>Functions on the hot paths (an upcall's data lookup, timers, reads and writes) neither
 * block nor call back into Java, so they are linked with {@link Linker.Option#critical}: the
 * JVM skips the thread-state transition, which is most of an empty downcall's cost. The rest
 * go through jextract's ordinary handles. Nothing here may be made critical that can run a
 * callback synchronously (uv_run) or wait (uv_loop_close, locks taken by signal handling).
 */
public final class Uv {

    static { LibUv.load(); }

    private Uv() {}

    /**
     * Pointers cross as Java longs ({@link Platform#pointersAsLongs}): no MemorySegment is made
     * for an address that Java only hands back to libuv, so the hot paths allocate nothing.
     */
    private static MethodHandle critical(MemorySegment address, FunctionDescriptor generated) {
        return Linker.nativeLinker().downcallHandle(address, Platform.pointersAsLongs(generated), Linker.Option.critical(false));
    }

    private static final MethodHandle HANDLE_SET_DATA = critical(uv_h.uv_handle_set_data$address(), uv_h.uv_handle_set_data$descriptor());
    private static final MethodHandle REQ_SET_DATA = critical(uv_h.uv_req_set_data$address(), uv_h.uv_req_set_data$descriptor());
    private static final MethodHandle NOW = critical(uv_h.uv_now$address(), uv_h.uv_now$descriptor());
    private static final MethodHandle HRTIME = critical(uv_h.uv_hrtime$address(), uv_h.uv_hrtime$descriptor());
    private static final MethodHandle TIMER_INIT = critical(uv_h.uv_timer_init$address(), uv_h.uv_timer_init$descriptor());
    private static final MethodHandle TIMER_START = critical(uv_h.uv_timer_start$address(), uv_h.uv_timer_start$descriptor());
    private static final MethodHandle TCP_INIT = critical(uv_h.uv_tcp_init$address(), uv_h.uv_tcp_init$descriptor());
    private static final MethodHandle ACCEPT = critical(uv_h.uv_accept$address(), uv_h.uv_accept$descriptor());
    private static final MethodHandle READ_START = critical(uv_h.uv_read_start$address(), uv_h.uv_read_start$descriptor());
    private static final MethodHandle TRY_WRITE = critical(uv_h.uv_try_write$address(), uv_h.uv_try_write$descriptor());
    private static final MethodHandle WRITE = critical(uv_h.uv_write$address(), uv_h.uv_write$descriptor());
    private static final MethodHandle SHUTDOWN = critical(uv_h.uv_shutdown$address(), uv_h.uv_shutdown$descriptor());
    private static final MethodHandle CLOSE = critical(uv_h.uv_close$address(), uv_h.uv_close$descriptor());

    private static AssertionError unexpected(Throwable t) {
        // invokeExact on a downcall handle throws nothing checked; anything else is a juv bug.
        return new AssertionError("juv: downcall failed", t);
    }

    private static MemorySegment at(long address) {
        return MemorySegment.ofAddress(address);
    }

    // ------------------------------------------------------------------ hot: critical downcalls

    public static void handleData(long handle, long data) {
        try {
            HANDLE_SET_DATA.invokeExact(handle, data);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void reqData(long req, long data) {
        try {
            REQ_SET_DATA.invokeExact(req, data);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long now(long loop) {
        try {
            return (long) NOW.invokeExact(loop);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long hrtime() {
        try {
            return (long) HRTIME.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int timerInit(long loop, long timer) {
        try {
            return (int) TIMER_INIT.invokeExact(loop, timer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int timerStart(long timer, long cb, long timeout, long repeat) {
        try {
            return (int) TIMER_START.invokeExact(timer, cb, timeout, repeat);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int tcpInit(long loop, long tcp) {
        try {
            return (int) TCP_INIT.invokeExact(loop, tcp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int accept(long server, long client) {
        try {
            return (int) ACCEPT.invokeExact(server, client);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int readStart(long stream, long allocCb, long readCb) {
        try {
            return (int) READ_START.invokeExact(stream, allocCb, readCb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int tryWrite(long stream, long bufs, int nbufs) {
        try {
            return (int) TRY_WRITE.invokeExact(stream, bufs, nbufs);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** uv_write never calls its callback before returning, so it may be critical. */
    public static int write(long req, long stream, long bufs, int nbufs, long cb) {
        try {
            return (int) WRITE.invokeExact(req, stream, bufs, nbufs, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int shutdown(long req, long stream, long cb) {
        try {
            return (int) SHUTDOWN.invokeExact(req, stream, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The close callback runs later, from the loop, never inside uv_close. */
    public static void close(long handle, long cb) {
        try {
            CLOSE.invokeExact(handle, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ------------------------------------------------------------------ the rest: jextract's handles

    public static int readStop(long stream) { return uv_h.uv_read_stop(at(stream)); }
    public static long writeQueueSize(long stream) { return uv_h.uv_stream_get_write_queue_size(at(stream)); }
    public static void ref(long handle) { uv_h.uv_ref(at(handle)); }
    public static void unref(long handle) { uv_h.uv_unref(at(handle)); }
    public static boolean hasRef(long handle) { return uv_h.uv_has_ref(at(handle)) != 0; }

    public static int timerStop(long timer) { return uv_h.uv_timer_stop(at(timer)); }
    public static int tcpCloseReset(long tcp, long cb) { return uv_h.uv_tcp_close_reset(at(tcp), at(cb)); }
    public static boolean isClosing(long handle) { return uv_h.uv_is_closing(at(handle)) != 0; }

    public static int signalInit(long loop, long signal) { return uv_h.uv_signal_init(at(loop), at(signal)); }
    public static int signalStart(long signal, long cb, int signum) { return uv_h.uv_signal_start(at(signal), at(cb), signum); }
    public static int signalStop(long signal) { return uv_h.uv_signal_stop(at(signal)); }

    public static int tcpBind(long tcp, MemorySegment addr, int flags) { return uv_h.uv_tcp_bind(at(tcp), addr, flags); }
    public static int tcpInitEx(long loop, long tcp, int flags) { return uv_h.uv_tcp_init_ex(at(loop), at(tcp), flags); }
    public static int tcpOpen(long tcp, int fd) { return uv_h.uv_tcp_open(at(tcp), fd); }
    public static int tcpKeepAlive(long tcp, boolean on, int delaySeconds) { return uv_h.uv_tcp_keepalive(at(tcp), on ? 1 : 0, delaySeconds); }
    public static int tcpSimultaneousAccepts(long tcp, boolean on) { return uv_h.uv_tcp_simultaneous_accepts(at(tcp), on ? 1 : 0); }
    /** uv_send_buffer_size / uv_recv_buffer_size: *value 0 reads the size into it, else sets it. */
    public static int sendBufferSize(long handle, MemorySegment value) { return uv_h.uv_send_buffer_size(at(handle), value); }
    public static int recvBufferSize(long handle, MemorySegment value) { return uv_h.uv_recv_buffer_size(at(handle), value); }
    public static int fileno(long handle, MemorySegment fd) { return uv_h.uv_fileno(at(handle), fd); }
    public static int listen(long stream, int backlog, long cb) { return uv_h.uv_listen(at(stream), backlog, at(cb)); }
    public static int tcpConnect(long req, long tcp, MemorySegment addr, long cb) {
        return uv_h.uv_tcp_connect(at(req), at(tcp), addr, at(cb));
    }
    public static int tcpNoDelay(long tcp, boolean on) { return uv_h.uv_tcp_nodelay(at(tcp), on ? 1 : 0); }
    public static int tcpSockName(long tcp, MemorySegment into, MemorySegment len) { return uv_h.uv_tcp_getsockname(at(tcp), into, len); }
    public static int tcpPeerName(long tcp, MemorySegment into, MemorySegment len) { return uv_h.uv_tcp_getpeername(at(tcp), into, len); }

    public static int getaddrinfo(long loop, long req, long cb, MemorySegment node, MemorySegment service, MemorySegment hints) {
        return uv_h.uv_getaddrinfo(at(loop), at(req), at(cb), node, service, hints);
    }
    public static void freeaddrinfo(long ai) { uv_h.uv_freeaddrinfo(at(ai)); }
    public static int osSetenv(MemorySegment name, MemorySegment value) { return uv_h.uv_os_setenv(name, value); }
    /** *size: the buffer's size in, the value's length out (or the size needed, with UV_ENOBUFS). */
    public static int osGetenv(MemorySegment name, MemorySegment buffer, MemorySegment size) {
        return uv_h.uv_os_getenv(name, buffer, size);
    }
    public static int getnameinfo(long loop, long req, long cb, MemorySegment addr, int flags) {
        return uv_h.uv_getnameinfo(at(loop), at(req), at(cb), addr, flags);
    }

    public static int asyncInit(long loop, long async, long cb) { return uv_h.uv_async_init(at(loop), at(async), at(cb)); }
    /** The one libuv function that is safe to call from any thread. */
    public static int asyncSend(long async) { return uv_h.uv_async_send(at(async)); }
    public static int checkInit(long loop, long check) { return uv_h.uv_check_init(at(loop), at(check)); }
    public static int checkStart(long check, long cb) { return uv_h.uv_check_start(at(check), at(cb)); }
    public static int prepareInit(long loop, long prepare) { return uv_h.uv_prepare_init(at(loop), at(prepare)); }
    public static int prepareStart(long prepare, long cb) { return uv_h.uv_prepare_start(at(prepare), at(cb)); }
    public static int prepareStop(long prepare) { return uv_h.uv_prepare_stop(at(prepare)); }

    // ------------------------------------------------------------------ pipes

    /** What libuv takes a file descriptor for (a uv_handle_type: TCP, NAMED_PIPE, FILE, TTY, UNKNOWN_HANDLE ...). */
    public static int guessHandle(int fd) { return uv_h.uv_guess_handle(fd); }
    public static int pipeInit(long loop, long pipe, boolean ipc) { return uv_h.uv_pipe_init(at(loop), at(pipe), ipc ? 1 : 0); }
    public static int pipeOpen(long pipe, int fd) { return uv_h.uv_pipe_open(at(pipe), fd); }
    public static int pipeBind(long pipe, MemorySegment name) { return uv_h.uv_pipe_bind(at(pipe), name); }
    /** Reports every failure through the callback, never here (so it returns nothing). */
    public static void pipeConnect(long req, long pipe, MemorySegment name, long cb) {
        uv_h.uv_pipe_connect(at(req), at(pipe), name, at(cb));
    }
    public static int pipeSockName(long pipe, MemorySegment into, MemorySegment len) { return uv_h.uv_pipe_getsockname(at(pipe), into, len); }
    public static int pipePeerName(long pipe, MemorySegment into, MemorySegment len) { return uv_h.uv_pipe_getpeername(at(pipe), into, len); }
    /** mode: {@link #READABLE}, {@link #WRITABLE} or both. */
    public static int pipeChmod(long pipe, int mode) { return uv_h.uv_pipe_chmod(at(pipe), mode); }
    public static int pipePendingCount(long pipe) { return uv_h.uv_pipe_pending_count(at(pipe)); }
    /** The uv_handle_type of the next handle waiting to be accepted from an IPC pipe. */
    public static int pipePendingType(long pipe) { return uv_h.uv_pipe_pending_type(at(pipe)); }
    public static int socketpair(int type, int protocol, MemorySegment fds, int flags0, int flags1) {
        return uv_h.uv_socketpair(type, protocol, fds, flags0, flags1);
    }
    /** uv_write with a handle to send over an IPC pipe. */
    public static int write2(long req, long stream, long bufs, int nbufs, long sendHandle, long cb) {
        return uv_h.uv_write2(at(req), at(stream), at(bufs), nbufs, at(sendHandle), at(cb));
    }

    /**
     * uv_pipe_bind2 and uv_pipe_connect2 arrived in libuv 1.46: they take a name's length, so a
     * name may start with a NUL byte (Linux's abstract socket namespace). Pointers as longs.
     */
    private static final Optional<MethodHandle> PIPE_BIND2 = LibUv.optional("uv_pipe_bind2",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final Optional<MethodHandle> PIPE_CONNECT2 = LibUv.optional("uv_pipe_connect2",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
    /** UV_PIPE_NO_TRUNCATE (libuv 1.46): a name too long fails instead of being cut short. */
    public static final int PIPE_NO_TRUNCATE = 1;

    /** The loaded libuv takes pipe names with a length (uv_pipe_bind2, uv_pipe_connect2). */
    public static boolean hasPipeNamesWithLength() {
        return PIPE_BIND2.isPresent() && PIPE_CONNECT2.isPresent();
    }

    public static int pipeBind2(long pipe, MemorySegment name, int flags) {
        try {
            return (int) PIPE_BIND2.orElseThrow().invokeExact(pipe, name.address(), name.byteSize(), flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Unlike uv_pipe_connect, refuses bad arguments here (without calling back); the rest goes to the callback. */
    public static int pipeConnect2(long req, long pipe, MemorySegment name, int flags, long cb) {
        try {
            return (int) PIPE_CONNECT2.orElseThrow().invokeExact(req, pipe, name.address(), name.byteSize(), flags, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ------------------------------------------------------------------ UDP

    public static int udpInitEx(long loop, long udp, int flags) { return uv_h.uv_udp_init_ex(at(loop), at(udp), flags); }
    public static int udpBind(long udp, MemorySegment addr, int flags) { return uv_h.uv_udp_bind(at(udp), addr, flags); }
    /** addr 0 dissolves the association. */
    public static int udpConnect(long udp, long addr) { return uv_h.uv_udp_connect(at(udp), at(addr)); }
    public static int udpSockName(long udp, MemorySegment into, MemorySegment len) { return uv_h.uv_udp_getsockname(at(udp), into, len); }
    public static int udpPeerName(long udp, MemorySegment into, MemorySegment len) { return uv_h.uv_udp_getpeername(at(udp), into, len); }
    public static int udpRecvStart(long udp, long allocCb, long recvCb) { return uv_h.uv_udp_recv_start(at(udp), at(allocCb), at(recvCb)); }
    public static int udpRecvStop(long udp) { return uv_h.uv_udp_recv_stop(at(udp)); }
    /** addr 0 on a connected handle. Never calls back, and copies the bytes before returning. */
    public static int udpTrySend(long udp, long bufs, int nbufs, long addr) {
        try {
            return (int) UDP_TRY_SEND.invokeExact(udp, bufs, nbufs, addr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
    private static final MethodHandle UDP_TRY_SEND = critical(uv_h.uv_udp_try_send$address(), uv_h.uv_udp_try_send$descriptor());
    /** libuv copies the sockaddr into the request; the callback runs from the loop, never inside. */
    public static int udpSend(long req, long udp, long bufs, int nbufs, long addr, long cb) {
        return uv_h.uv_udp_send(at(req), at(udp), at(bufs), nbufs, at(addr), at(cb));
    }
    public static long udpSendQueueSize(long udp) { return uv_h.uv_udp_get_send_queue_size(at(udp)); }
    public static long udpSendQueueCount(long udp) { return uv_h.uv_udp_get_send_queue_count(at(udp)); }
    public static int udpSetBroadcast(long udp, boolean on) { return uv_h.uv_udp_set_broadcast(at(udp), on ? 1 : 0); }
    public static int udpSetTtl(long udp, int ttl) { return uv_h.uv_udp_set_ttl(at(udp), ttl); }
    public static int udpSetMulticastTtl(long udp, int ttl) { return uv_h.uv_udp_set_multicast_ttl(at(udp), ttl); }
    public static int udpSetMulticastLoop(long udp, boolean on) { return uv_h.uv_udp_set_multicast_loop(at(udp), on ? 1 : 0); }
    public static int udpSetMulticastInterface(long udp, MemorySegment iface) { return uv_h.uv_udp_set_multicast_interface(at(udp), iface); }
    public static int udpSetMembership(long udp, MemorySegment group, MemorySegment iface, boolean join) {
        return uv_h.uv_udp_set_membership(at(udp), group, iface, join ? uv_h.UV_JOIN_GROUP() : uv_h.UV_LEAVE_GROUP());
    }
    public static int udpSetSourceMembership(long udp, MemorySegment group, MemorySegment iface, MemorySegment source, boolean join) {
        return uv_h.uv_udp_set_source_membership(at(udp), group, iface, source, join ? uv_h.UV_JOIN_GROUP() : uv_h.UV_LEAVE_GROUP());
    }
    public static final int UDP_IPV6ONLY = uv_h.UV_UDP_IPV6ONLY(), UDP_REUSEADDR = uv_h.UV_UDP_REUSEADDR(),
            UDP_PARTIAL = uv_h.UV_UDP_PARTIAL(), UDP_SEND_REQ = uv_h.UV_UDP_SEND();
    /** UV_UDP_REUSEPORT, new in libuv 1.49 (the bindings are from 1.44): uv.h's enum value. */
    public static final int UDP_REUSEPORT = 64;

    // ------------------------------------------------------------------ watchers, fd polling, loop hooks (svc)

    public static int idleInit(long loop, long idle) { return uv_h.uv_idle_init(at(loop), at(idle)); }
    public static int idleStart(long idle, long cb) { return uv_h.uv_idle_start(at(idle), at(cb)); }
    public static int idleStop(long idle) { return uv_h.uv_idle_stop(at(idle)); }
    public static int checkStop(long check) { return uv_h.uv_check_stop(at(check)); }

    /** Sets fd non-blocking, and refuses what the OS cannot poll (epoll: regular files, directories). */
    public static int pollInit(long loop, long poll, int fd) { return uv_h.uv_poll_init(at(loop), at(poll), fd); }
    /** events: a mask of {@link #READABLE}, {@link #WRITABLE}, {@link #DISCONNECT}, {@link #PRIORITIZED}; 0 stops. */
    public static int pollStart(long poll, int events, long cb) { return uv_h.uv_poll_start(at(poll), events, at(cb)); }
    public static int pollStop(long poll) { return uv_h.uv_poll_stop(at(poll)); }
    public static final int DISCONNECT = uv_h.UV_DISCONNECT(), PRIORITIZED = uv_h.UV_PRIORITIZED();

    public static int fsEventInit(long loop, long h) { return uv_h.uv_fs_event_init(at(loop), at(h)); }
    /** libuv copies the path. flags: {@link #FS_EVENT_RECURSIVE} and kin. */
    public static int fsEventStart(long h, long cb, MemorySegment path, int flags) {
        return uv_h.uv_fs_event_start(at(h), at(cb), path, flags);
    }
    public static int fsEventStop(long h) { return uv_h.uv_fs_event_stop(at(h)); }
    public static final int FS_EVENT_RECURSIVE = uv_h.UV_FS_EVENT_RECURSIVE(), FS_RENAME = uv_h.UV_RENAME(),
            FS_CHANGE = uv_h.UV_CHANGE();

    public static int fsPollInit(long loop, long h) { return uv_h.uv_fs_poll_init(at(loop), at(h)); }
    /** libuv copies the path; the first stat is taken at once, the first callback comes only with a change. */
    public static int fsPollStart(long h, long cb, MemorySegment path, int intervalMillis) {
        return uv_h.uv_fs_poll_start(at(h), at(cb), path, intervalMillis);
    }
    public static int fsPollStop(long h) { return uv_h.uv_fs_poll_stop(at(h)); }

    // ------------------------------------------------------------------ the loop itself

    public static long loopSize() { return uv_h.uv_loop_size(); }
    public static int loopInit(long loop) { return uv_h.uv_loop_init(at(loop)); }
    /** Turns on libuv's idle-time metric (UV_METRICS_IDLE_TIME). */
    public static int loopConfigureIdleTime(long loop) {
        return uv_h.uv_loop_configure.makeInvoker().apply(at(loop), uv_h.UV_METRICS_IDLE_TIME());
    }
    public static long metricsIdleTime(long loop) { return uv_h.uv_metrics_idle_time(at(loop)); }
    /** Runs the loop in UV_RUN_DEFAULT mode: until nothing referenced is left, or uv_stop. Calls back into Java. */
    public static int run(long loop) { return uv_h.uv_run(at(loop), uv_h.UV_RUN_DEFAULT()); }
    public static void stop(long loop) { uv_h.uv_stop(at(loop)); }
    public static void updateTime(long loop) { uv_h.uv_update_time(at(loop)); }
    public static boolean loopAlive(long loop) { return uv_h.uv_loop_alive(at(loop)) != 0; }
    public static int loopClose(long loop) { return uv_h.uv_loop_close(at(loop)); }

    // ------------------------------------------------------------------ sizes and names, asked of libuv

    public static long handleSize(int type) { return uv_h.uv_handle_size(type); }
    public static long reqSize(int type) { return uv_h.uv_req_size(type); }
    public static int version() { return uv_h.uv_version(); }
    public static MemorySegment errName(int code) { return uv_h.uv_err_name(code); }
    public static MemorySegment strerror(int code) { return uv_h.uv_strerror(code); }

    public static int ip4Addr(MemorySegment ip, int port, MemorySegment into) { return uv_h.uv_ip4_addr(ip, port, into); }
    public static int ip6Addr(MemorySegment ip, int port, MemorySegment into) { return uv_h.uv_ip6_addr(ip, port, into); }
    public static int ipName(MemorySegment sockaddr, MemorySegment into, long size) { return uv_h.uv_ip_name(sockaddr, into, size); }

    // Enum values are the same on every platform; they come from the generated header.
    public static final int TIMER = uv_h.UV_TIMER(), TCP = uv_h.UV_TCP(), SIGNAL = uv_h.UV_SIGNAL(),
            ASYNC = uv_h.UV_ASYNC(), CHECK = uv_h.UV_CHECK(), PREPARE = uv_h.UV_PREPARE(),
            NAMED_PIPE = uv_h.UV_NAMED_PIPE(), UNKNOWN_HANDLE = uv_h.UV_UNKNOWN_HANDLE(), FILE = uv_h.UV_FILE(),
            TTY = uv_h.UV_TTY(), UDP = uv_h.UV_UDP();
    public static final int IDLE = uv_h.UV_IDLE(), POLL = uv_h.UV_POLL(), FS_EVENT = uv_h.UV_FS_EVENT(),
            FS_POLL = uv_h.UV_FS_POLL();
    public static final int WRITE_REQ = uv_h.UV_WRITE(), CONNECT_REQ = uv_h.UV_CONNECT(),
            SHUTDOWN_REQ = uv_h.UV_SHUTDOWN(), GETADDRINFO_REQ = uv_h.UV_GETADDRINFO(),
            GETNAMEINFO_REQ = uv_h.UV_GETNAMEINFO();
    public static final int TCP_IPV6ONLY = uv_h.UV_TCP_IPV6ONLY();
    /** uv_poll_event's values, which uv_pipe_chmod takes. */
    public static final int READABLE = uv_h.UV_READABLE(), WRITABLE = uv_h.UV_WRITABLE();
    /** UV_TCP_REUSEPORT, new in libuv 1.49 (the bindings are from 1.44): uv.h's enum value. */
    public static final int TCP_REUSEPORT = 2;

    /** The loaded libuv is at least major.minor. */
    public static boolean atLeast(int major, int minor) {
        return version() >= ((major << 16) | (minor << 8));
    }
}
