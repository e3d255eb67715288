package io.juv.internal;

import io.juv.bindings.uv_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

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

    private static MethodHandle critical(MemorySegment address, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(address, descriptor, Linker.Option.critical(false));
    }

    private static final MethodHandle HANDLE_GET_DATA = critical(uv_h.uv_handle_get_data$address(), uv_h.uv_handle_get_data$descriptor());
    private static final MethodHandle HANDLE_SET_DATA = critical(uv_h.uv_handle_set_data$address(), uv_h.uv_handle_set_data$descriptor());
    private static final MethodHandle REQ_GET_DATA = critical(uv_h.uv_req_get_data$address(), uv_h.uv_req_get_data$descriptor());
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

    // ------------------------------------------------------------------ hot: critical downcalls

    public static long handleData(MemorySegment handle) {
        try {
            return ((MemorySegment) HANDLE_GET_DATA.invokeExact(handle)).address();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void handleData(MemorySegment handle, MemorySegment data) {
        try {
            HANDLE_SET_DATA.invokeExact(handle, data);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long reqData(MemorySegment req) {
        try {
            return ((MemorySegment) REQ_GET_DATA.invokeExact(req)).address();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void reqData(MemorySegment req, MemorySegment data) {
        try {
            REQ_SET_DATA.invokeExact(req, data);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long now(MemorySegment loop) {
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

    public static int timerInit(MemorySegment loop, MemorySegment timer) {
        try {
            return (int) TIMER_INIT.invokeExact(loop, timer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int timerStart(MemorySegment timer, MemorySegment cb, long timeout, long repeat) {
        try {
            return (int) TIMER_START.invokeExact(timer, cb, timeout, repeat);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int tcpInit(MemorySegment loop, MemorySegment tcp) {
        try {
            return (int) TCP_INIT.invokeExact(loop, tcp);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int accept(MemorySegment server, MemorySegment client) {
        try {
            return (int) ACCEPT.invokeExact(server, client);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int readStart(MemorySegment stream, MemorySegment allocCb, MemorySegment readCb) {
        try {
            return (int) READ_START.invokeExact(stream, allocCb, readCb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int tryWrite(MemorySegment stream, MemorySegment bufs, int nbufs) {
        try {
            return (int) TRY_WRITE.invokeExact(stream, bufs, nbufs);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** uv_write never calls its callback before returning, so it may be critical. */
    public static int write(MemorySegment req, MemorySegment stream, MemorySegment bufs, int nbufs, MemorySegment cb) {
        try {
            return (int) WRITE.invokeExact(req, stream, bufs, nbufs, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int shutdown(MemorySegment req, MemorySegment stream, MemorySegment cb) {
        try {
            return (int) SHUTDOWN.invokeExact(req, stream, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The close callback runs later, from the loop, never inside uv_close. */
    public static void close(MemorySegment handle, MemorySegment cb) {
        try {
            CLOSE.invokeExact(handle, cb);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ------------------------------------------------------------------ the rest: jextract's handles

    public static int readStop(MemorySegment stream) { return uv_h.uv_read_stop(stream); }
    public static long writeQueueSize(MemorySegment stream) { return uv_h.uv_stream_get_write_queue_size(stream); }
    public static void ref(MemorySegment handle) { uv_h.uv_ref(handle); }
    public static void unref(MemorySegment handle) { uv_h.uv_unref(handle); }
    public static boolean hasRef(MemorySegment handle) { return uv_h.uv_has_ref(handle) != 0; }

    public static int signalInit(MemorySegment loop, MemorySegment signal) { return uv_h.uv_signal_init(loop, signal); }
    public static int signalStart(MemorySegment signal, MemorySegment cb, int signum) { return uv_h.uv_signal_start(signal, cb, signum); }
    public static int signalStop(MemorySegment signal) { return uv_h.uv_signal_stop(signal); }

    public static int tcpBind(MemorySegment tcp, MemorySegment addr) { return uv_h.uv_tcp_bind(tcp, addr, 0); }
    public static int listen(MemorySegment stream, int backlog, MemorySegment cb) { return uv_h.uv_listen(stream, backlog, cb); }
    public static int tcpConnect(MemorySegment req, MemorySegment tcp, MemorySegment addr, MemorySegment cb) {
        return uv_h.uv_tcp_connect(req, tcp, addr, cb);
    }
    public static int tcpNoDelay(MemorySegment tcp, boolean on) { return uv_h.uv_tcp_nodelay(tcp, on ? 1 : 0); }

    public static int getaddrinfo(MemorySegment loop, MemorySegment req, MemorySegment cb,
                                  MemorySegment node, MemorySegment service, MemorySegment hints) {
        return uv_h.uv_getaddrinfo(loop, req, cb, node, service, hints);
    }
    public static void freeaddrinfo(MemorySegment ai) { uv_h.uv_freeaddrinfo(ai); }

    public static int asyncInit(MemorySegment loop, MemorySegment async, MemorySegment cb) { return uv_h.uv_async_init(loop, async, cb); }
    /** The one libuv function that is safe to call from any thread. */
    public static int asyncSend(MemorySegment async) { return uv_h.uv_async_send(async); }
    public static int checkInit(MemorySegment loop, MemorySegment check) { return uv_h.uv_check_init(loop, check); }
    public static int checkStart(MemorySegment check, MemorySegment cb) { return uv_h.uv_check_start(check, cb); }
    public static int prepareInit(MemorySegment loop, MemorySegment prepare) { return uv_h.uv_prepare_init(loop, prepare); }
    public static int prepareStart(MemorySegment prepare, MemorySegment cb) { return uv_h.uv_prepare_start(prepare, cb); }
    public static int prepareStop(MemorySegment prepare) { return uv_h.uv_prepare_stop(prepare); }

    // ------------------------------------------------------------------ the loop itself

    public static long loopSize() { return uv_h.uv_loop_size(); }
    public static int loopInit(MemorySegment loop) { return uv_h.uv_loop_init(loop); }
    /** Turns on libuv's idle-time metric (UV_METRICS_IDLE_TIME). */
    public static int loopConfigureIdleTime(MemorySegment loop) {
        return uv_h.uv_loop_configure.makeInvoker().apply(loop, uv_h.UV_METRICS_IDLE_TIME());
    }
    public static long metricsIdleTime(MemorySegment loop) { return uv_h.uv_metrics_idle_time(loop); }
    /** Runs the loop in UV_RUN_DEFAULT mode: until nothing referenced is left, or uv_stop. Calls back into Java. */
    public static int run(MemorySegment loop) { return uv_h.uv_run(loop, uv_h.UV_RUN_DEFAULT()); }
    public static void stop(MemorySegment loop) { uv_h.uv_stop(loop); }
    public static void updateTime(MemorySegment loop) { uv_h.uv_update_time(loop); }
    public static boolean loopAlive(MemorySegment loop) { return uv_h.uv_loop_alive(loop) != 0; }
    public static int loopClose(MemorySegment loop) { return uv_h.uv_loop_close(loop); }

    // ------------------------------------------------------------------ sizes and names, asked of libuv

    public static long handleSize(int type) { return uv_h.uv_handle_size(type); }
    public static long reqSize(int type) { return uv_h.uv_req_size(type); }
    public static int version() { return uv_h.uv_version(); }
    public static MemorySegment versionString() { return uv_h.uv_version_string(); }
    public static MemorySegment errName(int code) { return uv_h.uv_err_name(code); }
    public static MemorySegment strerror(int code) { return uv_h.uv_strerror(code); }

    public static int ip4Addr(MemorySegment ip, int port, MemorySegment into) { return uv_h.uv_ip4_addr(ip, port, into); }
    public static int ip6Addr(MemorySegment ip, int port, MemorySegment into) { return uv_h.uv_ip6_addr(ip, port, into); }
    public static int ipName(MemorySegment sockaddr, MemorySegment into, long size) { return uv_h.uv_ip_name(sockaddr, into, size); }
    public static int tcpSockName(MemorySegment tcp, MemorySegment into, MemorySegment len) { return uv_h.uv_tcp_getsockname(tcp, into, len); }
    public static int tcpPeerName(MemorySegment tcp, MemorySegment into, MemorySegment len) { return uv_h.uv_tcp_getpeername(tcp, into, len); }

    // Enum values are the same on every platform; they come from the generated header.
    public static final int TIMER = uv_h.UV_TIMER(), TCP = uv_h.UV_TCP(), SIGNAL = uv_h.UV_SIGNAL(),
            ASYNC = uv_h.UV_ASYNC(), CHECK = uv_h.UV_CHECK(), PREPARE = uv_h.UV_PREPARE();
    public static final int WRITE_REQ = uv_h.UV_WRITE(), CONNECT_REQ = uv_h.UV_CONNECT(),
            SHUTDOWN_REQ = uv_h.UV_SHUTDOWN(), GETADDRINFO_REQ = uv_h.UV_GETADDRINFO();
}
