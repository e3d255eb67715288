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
            UDP_PARTIAL = uv_h.UV_UDP_PARTIAL(), UDP_SEND_REQ = uv_h.UV_UDP_SEND(),
            UDP_RECVMMSG = uv_h.UV_UDP_RECVMMSG(), UDP_MMSG_CHUNK = uv_h.UV_UDP_MMSG_CHUNK();
    /** Whether libuv receives this UDP handle's datagrams with recvmmsg (it was asked to, and the OS has it). */
    public static boolean udpUsingRecvmmsg(long udp) { return uv_h.uv_udp_using_recvmmsg(at(udp)) == 1; }
    /** UV_UDP_REUSEPORT, new in libuv 1.49 (the bindings are from 1.44): uv.h's enum value. */
    public static final int UDP_REUSEPORT = 64;

    // ------------------------------------------------------------------ processes

    /**
     * Forks and execs, and returns once the child has exec'd or failed to (libuv waits on a
     * close-on-exec pipe), so the options' memory may be freed when it returns. Never calls back.
     */
    public static int spawn(long loop, long process, MemorySegment options) { return uv_h.uv_spawn(at(loop), at(process), options); }
    public static int processKill(long process, int signum) { return uv_h.uv_process_kill(at(process), signum); }
    public static int kill(int pid, int signum) { return uv_h.uv_kill(pid, signum); }
    public static int processPid(long process) { return uv_h.uv_process_get_pid(at(process)); }
    public static int handleType(long handle) { return uv_h.uv_handle_get_type(at(handle)); }
    public static boolean isActive(long handle) { return uv_h.uv_is_active(at(handle)) != 0; }
    /** The process's environment as it is now (uv_os_setenv's changes included); free with {@link #osFreeEnviron}. */
    public static int osEnviron(MemorySegment items, MemorySegment count) { return uv_h.uv_os_environ(items, count); }
    public static void osFreeEnviron(MemorySegment items, int count) { uv_h.uv_os_free_environ(items, count); }
    public static final int PROCESS = uv_h.UV_PROCESS();
    public static final int STDIO_IGNORE = uv_h.UV_IGNORE(), STDIO_CREATE_PIPE = uv_h.UV_CREATE_PIPE(),
            STDIO_INHERIT_FD = uv_h.UV_INHERIT_FD(), STDIO_READABLE_PIPE = uv_h.UV_READABLE_PIPE(),
            STDIO_WRITABLE_PIPE = uv_h.UV_WRITABLE_PIPE();
    public static final int PROCESS_SETUID = uv_h.UV_PROCESS_SETUID(), PROCESS_SETGID = uv_h.UV_PROCESS_SETGID(),
            PROCESS_DETACHED = uv_h.UV_PROCESS_DETACHED();
    // ------------------------------------------------------------------ files (io.juv.fs)

    /**
     * Every uv_fs_* call here passes a callback, so libuv copies paths and uv_buf_t arrays into
     * the request and runs the operation on its thread pool; nothing calls back before returning.
     * uv_fs_read and uv_fs_write are the hot ones: pointers as longs (no MemorySegment per call),
     * but not critical, as submitting work to the pool takes a lock that may wait.
     */
    private static MethodHandle plain(MemorySegment address, FunctionDescriptor generated) {
        return Linker.nativeLinker().downcallHandle(address, Platform.pointersAsLongs(generated));
    }

    private static final MethodHandle FS_READ = plain(uv_h.uv_fs_read$address(), uv_h.uv_fs_read$descriptor());
    private static final MethodHandle FS_WRITE = plain(uv_h.uv_fs_write$address(), uv_h.uv_fs_write$descriptor());
    private static final MethodHandle FS_GET_RESULT = critical(uv_h.uv_fs_get_result$address(), uv_h.uv_fs_get_result$descriptor());

    /** offset -1: at the file's current position (read(2)), else at offset (pread(2)). */
    public static int fsRead(long loop, long req, int fd, long bufs, int nbufs, long offset, long cb) {
        try {
            return (int) FS_READ.invokeExact(loop, req, fd, bufs, nbufs, offset, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int fsWrite(long loop, long req, int fd, long bufs, int nbufs, long offset, long cb) {
        try {
            return (int) FS_WRITE.invokeExact(loop, req, fd, bufs, nbufs, offset, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The request's result: >= 0 (a descriptor, a byte count, 0), or a negative libuv code. */
    public static long fsResult(long req) {
        try {
            return (long) FS_GET_RESULT.invokeExact(req);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long fsPtr(long req) { return uv_h.uv_fs_get_ptr(at(req)).address(); }
    public static long fsPath(long req) { return uv_h.uv_fs_get_path(at(req)).address(); }
    public static long fsStatbuf(long req) { return uv_h.uv_fs_get_statbuf(at(req)).address(); }
    /** Frees what libuv allocated for the request (its path copies, a scandir's list, a readlink's string). */
    public static void fsReqCleanup(long req) { uv_h.uv_fs_req_cleanup(at(req)); }
    /** The next entry of a completed scandir, into ent; UV_EOF after the last. */
    public static int fsScandirNext(long req, long ent) { return uv_h.uv_fs_scandir_next(at(req), at(ent)); }

    public static int fsOpen(long loop, long req, MemorySegment path, int flags, int mode, long cb) {
        return uv_h.uv_fs_open(at(loop), at(req), path, flags, mode, at(cb));
    }
    public static int fsClose(long loop, long req, int fd, long cb) { return uv_h.uv_fs_close(at(loop), at(req), fd, at(cb)); }
    public static int fsStat(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_stat(at(loop), at(req), path, at(cb)); }
    public static int fsLstat(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_lstat(at(loop), at(req), path, at(cb)); }
    public static int fsFstat(long loop, long req, int fd, long cb) { return uv_h.uv_fs_fstat(at(loop), at(req), fd, at(cb)); }
    public static int fsRename(long loop, long req, MemorySegment from, MemorySegment to, long cb) {
        return uv_h.uv_fs_rename(at(loop), at(req), from, to, at(cb));
    }
    public static int fsUnlink(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_unlink(at(loop), at(req), path, at(cb)); }
    public static int fsMkdir(long loop, long req, MemorySegment path, int mode, long cb) {
        return uv_h.uv_fs_mkdir(at(loop), at(req), path, mode, at(cb));
    }
    public static int fsMkdtemp(long loop, long req, MemorySegment template, long cb) {
        return uv_h.uv_fs_mkdtemp(at(loop), at(req), template, at(cb));
    }
    public static int fsMkstemp(long loop, long req, MemorySegment template, long cb) {
        return uv_h.uv_fs_mkstemp(at(loop), at(req), template, at(cb));
    }
    public static int fsRmdir(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_rmdir(at(loop), at(req), path, at(cb)); }
    public static int fsScandir(long loop, long req, MemorySegment path, long cb) {
        return uv_h.uv_fs_scandir(at(loop), at(req), path, 0, at(cb));
    }
    public static int fsCopyfile(long loop, long req, MemorySegment from, MemorySegment to, int flags, long cb) {
        return uv_h.uv_fs_copyfile(at(loop), at(req), from, to, flags, at(cb));
    }
    public static int fsSendfile(long loop, long req, int out, int in, long inOffset, long length, long cb) {
        return uv_h.uv_fs_sendfile(at(loop), at(req), out, in, inOffset, length, at(cb));
    }
    public static int fsSymlink(long loop, long req, MemorySegment target, MemorySegment link, int flags, long cb) {
        return uv_h.uv_fs_symlink(at(loop), at(req), target, link, flags, at(cb));
    }
    public static int fsLink(long loop, long req, MemorySegment target, MemorySegment link, long cb) {
        return uv_h.uv_fs_link(at(loop), at(req), target, link, at(cb));
    }
    public static int fsReadlink(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_readlink(at(loop), at(req), path, at(cb)); }
    public static int fsRealpath(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_realpath(at(loop), at(req), path, at(cb)); }
    public static int fsChmod(long loop, long req, MemorySegment path, int mode, long cb) {
        return uv_h.uv_fs_chmod(at(loop), at(req), path, mode, at(cb));
    }
    public static int fsFchmod(long loop, long req, int fd, int mode, long cb) { return uv_h.uv_fs_fchmod(at(loop), at(req), fd, mode, at(cb)); }
    public static int fsChown(long loop, long req, MemorySegment path, int uid, int gid, long cb) {
        return uv_h.uv_fs_chown(at(loop), at(req), path, uid, gid, at(cb));
    }
    public static int fsLchown(long loop, long req, MemorySegment path, int uid, int gid, long cb) {
        return uv_h.uv_fs_lchown(at(loop), at(req), path, uid, gid, at(cb));
    }
    public static int fsFchown(long loop, long req, int fd, int uid, int gid, long cb) {
        return uv_h.uv_fs_fchown(at(loop), at(req), fd, uid, gid, at(cb));
    }
    public static int fsUtime(long loop, long req, MemorySegment path, double atime, double mtime, long cb) {
        return uv_h.uv_fs_utime(at(loop), at(req), path, atime, mtime, at(cb));
    }
    public static int fsLutime(long loop, long req, MemorySegment path, double atime, double mtime, long cb) {
        return uv_h.uv_fs_lutime(at(loop), at(req), path, atime, mtime, at(cb));
    }
    public static int fsFutime(long loop, long req, int fd, double atime, double mtime, long cb) {
        return uv_h.uv_fs_futime(at(loop), at(req), fd, atime, mtime, at(cb));
    }
    public static int fsFsync(long loop, long req, int fd, long cb) { return uv_h.uv_fs_fsync(at(loop), at(req), fd, at(cb)); }
    public static int fsFdatasync(long loop, long req, int fd, long cb) { return uv_h.uv_fs_fdatasync(at(loop), at(req), fd, at(cb)); }
    public static int fsFtruncate(long loop, long req, int fd, long length, long cb) {
        return uv_h.uv_fs_ftruncate(at(loop), at(req), fd, length, at(cb));
    }
    public static int fsAccess(long loop, long req, MemorySegment path, int mode, long cb) {
        return uv_h.uv_fs_access(at(loop), at(req), path, mode, at(cb));
    }
    public static int fsStatfs(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_statfs(at(loop), at(req), path, at(cb)); }

    public static int fsOpendir(long loop, long req, MemorySegment path, long cb) { return uv_h.uv_fs_opendir(at(loop), at(req), path, at(cb)); }
    /** Reads up to dir->nentries entries into dir->dirents, which the caller points at memory that outlives the request. */
    public static int fsReaddir(long loop, long req, long dir, long cb) { return uv_h.uv_fs_readdir(at(loop), at(req), at(dir), at(cb)); }
    /** Closes the directory and frees the uv_dir_t. */
    public static int fsClosedir(long loop, long req, long dir, long cb) { return uv_h.uv_fs_closedir(at(loop), at(req), at(dir), at(cb)); }

    public static final int FS_REQ = uv_h.UV_FS();
    public static final int FS_COPYFILE_EXCL = uv_h.UV_FS_COPYFILE_EXCL(), FS_COPYFILE_FICLONE = uv_h.UV_FS_COPYFILE_FICLONE(),
            FS_COPYFILE_FICLONE_FORCE = uv_h.UV_FS_COPYFILE_FICLONE_FORCE();
    public static final int FS_SYMLINK_DIR = uv_h.UV_FS_SYMLINK_DIR();
    public static final int DIRENT_FILE = uv_h.UV_DIRENT_FILE(), DIRENT_DIR = uv_h.UV_DIRENT_DIR(), DIRENT_LINK = uv_h.UV_DIRENT_LINK(),
            DIRENT_FIFO = uv_h.UV_DIRENT_FIFO(), DIRENT_SOCKET = uv_h.UV_DIRENT_SOCKET(), DIRENT_CHAR = uv_h.UV_DIRENT_CHAR(),
            DIRENT_BLOCK = uv_h.UV_DIRENT_BLOCK();

    // ------------------------------------------------------------------ TTY (io.juv.tty)

    public static int ttyInit(long loop, long tty, int fd, boolean readable) { return uv_h.uv_tty_init(at(loop), at(tty), fd, readable ? 1 : 0); }
    public static int ttySetMode(long tty, int mode) { return uv_h.uv_tty_set_mode(at(tty), mode); }
    /** Async-signal-safe and callable from any thread: what a shutdown hook may call. */
    public static int ttyResetMode() { return uv_h.uv_tty_reset_mode(); }
    public static int ttyGetWinsize(long tty, MemorySegment width, MemorySegment height) {
        return uv_h.uv_tty_get_winsize(at(tty), width, height);
    }
    public static final int TTY_MODE_NORMAL = uv_h.UV_TTY_MODE_NORMAL(), TTY_MODE_RAW = uv_h.UV_TTY_MODE_RAW(),
            TTY_MODE_IO = uv_h.UV_TTY_MODE_IO();

    // ------------------------------------------------------------------ system facts (io.juv.SystemInfo)

    public static int uptime(MemorySegment seconds) { return uv_h.uv_uptime(seconds); }
    public static void loadavg(MemorySegment avg) { uv_h.uv_loadavg(avg); }
    public static int residentSetMemory(MemorySegment rss) { return uv_h.uv_resident_set_memory(rss); }
    public static long totalMemory() { return uv_h.uv_get_total_memory(); }
    public static long freeMemory() { return uv_h.uv_get_free_memory(); }
    public static long constrainedMemory() { return uv_h.uv_get_constrained_memory(); }
    /** uv_get_available_memory arrived in libuv 1.45. */
    private static final Optional<MethodHandle> AVAILABLE_MEMORY = LibUv.optional("uv_get_available_memory",
            FunctionDescriptor.of(JAVA_LONG));
    public static boolean hasAvailableMemory() { return AVAILABLE_MEMORY.isPresent(); }
    public static long availableMemory() {
        try {
            return (long) AVAILABLE_MEMORY.orElseThrow().invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
    public static int cpuInfo(MemorySegment infos, MemorySegment count) { return uv_h.uv_cpu_info(infos, count); }
    public static void freeCpuInfo(MemorySegment infos, int count) { uv_h.uv_free_cpu_info(infos, count); }
    public static int interfaceAddresses(MemorySegment addresses, MemorySegment count) { return uv_h.uv_interface_addresses(addresses, count); }
    public static void freeInterfaceAddresses(MemorySegment addresses, int count) { uv_h.uv_free_interface_addresses(addresses, count); }
    public static int gethostname(MemorySegment buffer, MemorySegment size) { return uv_h.uv_os_gethostname(buffer, size); }
    public static int availableParallelism() { return uv_h.uv_available_parallelism(); }
    public static MemorySegment setupArgs(int argc, MemorySegment argv) { return uv_h.uv_setup_args(argc, argv); }
    public static int getProcessTitle(MemorySegment buffer, long size) { return uv_h.uv_get_process_title(buffer, size); }
    public static int setProcessTitle(MemorySegment title) { return uv_h.uv_set_process_title(title); }
    /** loop and req 0 with cb 0: synchronous; else the bytes arrive in the callback, from the thread pool. */
    public static int random(long loop, long req, long buf, long length, long cb) {
        return uv_h.uv_random(at(loop), at(req), at(buf), length, 0, at(cb));
    }
    public static int getpid() { return uv_h.uv_os_getpid(); }
    public static int getppid() { return uv_h.uv_os_getppid(); }
    public static int uname(MemorySegment buffer) { return uv_h.uv_os_uname(buffer); }
    public static int homedir(MemorySegment buffer, MemorySegment size) { return uv_h.uv_os_homedir(buffer, size); }
    public static int tmpdir(MemorySegment buffer, MemorySegment size) { return uv_h.uv_os_tmpdir(buffer, size); }
    public static int getrusage(MemorySegment rusage) { return uv_h.uv_getrusage(rusage); }
    public static final int RANDOM_REQ = uv_h.UV_RANDOM();
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
    /** uv_run in a mode (RUN_DEFAULT, RUN_ONCE, RUN_NOWAIT): non-zero while referenced work remains. */
    public static int run(long loop, int mode) { return uv_h.uv_run(at(loop), mode); }
    public static final int RUN_DEFAULT = uv_h.UV_RUN_DEFAULT(), RUN_ONCE = uv_h.UV_RUN_ONCE(), RUN_NOWAIT = uv_h.UV_RUN_NOWAIT();
    /** UV_LOOP_BLOCK_SIGNAL: epoll_wait and friends run with signum blocked (libuv accepts only SIGPROF). */
    public static int loopConfigureBlockSignal(long loop, int signum) {
        return uv_h.uv_loop_configure.makeInvoker(JAVA_INT).apply(at(loop), uv_h.UV_LOOP_BLOCK_SIGNAL(), signum);
    }
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
