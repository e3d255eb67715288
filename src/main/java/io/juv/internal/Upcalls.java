package io.juv.internal;

import io.juv.bindings.uv_alloc_cb;
import io.juv.bindings.uv_async_cb;
import io.juv.bindings.uv_check_cb;
import io.juv.bindings.uv_close_cb;
import io.juv.bindings.uv_connection_cb;
import io.juv.bindings.uv_exit_cb;
import io.juv.bindings.uv_fs_cb;
import io.juv.bindings.uv_fs_event_cb;
import io.juv.bindings.uv_fs_poll_cb;
import io.juv.bindings.uv_idle_cb;
import io.juv.bindings.uv_poll_cb;
import io.juv.bindings.uv_getaddrinfo_cb;
import io.juv.bindings.uv_getnameinfo_cb;
import io.juv.bindings.uv_prepare_cb;
import io.juv.bindings.uv_random_cb;
import io.juv.bindings.uv_read_cb;
import io.juv.bindings.uv_signal_cb;
import io.juv.bindings.uv_timer_cb;
import io.juv.bindings.uv_udp_recv_cb;
import io.juv.bindings.uv_write_cb;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The process's upcall stubs: one per libuv callback type, made once, shared by every loop.
 *
 * <p>Each stub reads the key from the handle's or request's data slot, finds the loop and the
 * Java object with it, and calls the object's hook. No Throwable leaves a stub (one would end
 * the JVM): everything thrown goes to the loop's error policy, which never throws.
 */
public final class Upcalls {

    private Upcalls() {}

    /** Stubs live as long as the process: libuv may call them until the last loop closes. */
    private static final Arena STUBS = Arena.global();

    public static final long CLOSE = stub("close", uv_close_cb.descriptor());
    public static final long TIMER = stub("timer", uv_timer_cb.descriptor());
    public static final long ASYNC = stub("async", uv_async_cb.descriptor());
    public static final long CHECK = stub("check", uv_check_cb.descriptor());
    public static final long PREPARE = stub("prepare", uv_prepare_cb.descriptor());
    public static final long SIGNAL = stub("signal", uv_signal_cb.descriptor());
    public static final long CONNECTION = stub("connection", uv_connection_cb.descriptor());
    public static final long ALLOC = stub("alloc", uv_alloc_cb.descriptor());
    /** For a handle that reads into memory of its own (see {@link HandleBase#onAlloc}) instead of the loop's buffer. */
    public static final long OWN_ALLOC = stub("ownAlloc", uv_alloc_cb.descriptor());
    public static final long READ = stub("read", uv_read_cb.descriptor());
    /** uv_udp_recv_cb; a UDP send's callback has uv_write_cb's signature, so {@link #REQUEST} serves it. */
    public static final long RECV = stub("recv", uv_udp_recv_cb.descriptor());
    /** uv_write_cb, uv_connect_cb and uv_shutdown_cb share one C signature, so one stub serves them all. */
    public static final long REQUEST = stub("request", uv_write_cb.descriptor());
    public static final long GETADDRINFO = stub("getaddrinfo", uv_getaddrinfo_cb.descriptor());
    public static final long GETNAMEINFO = stub("getnameinfo", uv_getnameinfo_cb.descriptor());
    /** uv_exit_cb: (uv_process_t*, int64_t exit_status, int term_signal); int64_t is 64 bits everywhere. */
    public static final long EXIT = stub("exit", uv_exit_cb.descriptor());
    /** uv_fs_cb, every file operation's: the result lives in the request (uv_fs_get_result), so it passes the request on. */
    public static final long FS = stub("fs", uv_fs_cb.descriptor());
    /** uv_random_cb: the bytes are in the request's own memory, which {@link RequestBase#beforeRelease} reads. */
    public static final long RANDOM = stub("random", uv_random_cb.descriptor());
    public static final long IDLE = stub("idle", uv_idle_cb.descriptor());
    public static final long POLL = stub("poll", uv_poll_cb.descriptor());
    public static final long FS_EVENT = stub("fsEvent", uv_fs_event_cb.descriptor());
    public static final long FS_POLL = stub("fsPoll", uv_fs_poll_cb.descriptor());

    /**
     * The stub for one of the methods below, with the C signature jextract generated for the
     * callback type and pointers received as longs (no MemorySegment per argument per call).
     */
    private static long stub(String method, FunctionDescriptor c) {
        FunctionDescriptor asLongs = Platform.pointersAsLongs(c);
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(Upcalls.class, method, asLongs.toMethodType());
            return Linker.nativeLinker().upcallStub(target, asLongs, STUBS).address();
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One array read, and a type check that only fails for a slot the table holds weakly (LeakDetector), which libuv does not call back. */
    private static HandleBase handle(LoopCore core, long key) {
        Object o = core.lookup(key);
        return o instanceof HandleBase h ? h : ((LeakDetector.Lost) o).forCallback();
    }

    private static void close(long h) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            if (core.lookup(key) instanceof LeakDetector.Lost lost) lost.closed(); // a lost handle juv closed
            else handle(core, key).closed();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void timer(long h) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onTimer();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void async(long h) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onAsync();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void check(long h) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onCheck();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void prepare(long h) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onPrepare();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void signal(long h, int signum) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onSignal(signum);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void connection(long server, int status) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(server);
            core = LoopCore.ofKey(key);
            handle(core, key).onConnection(status);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    /** Every read on a loop goes into the loop's one buffer: no allocation per read. */
    private static void alloc(long h, long suggestedSize, long buf) {
        LoopCore core = null;
        try {
            core = LoopCore.ofKey(Platform.dataOf(h));
            Platform.setBuf(buf, core.readBuffer, LoopCore.IO_BUFFER_SIZE);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void ownAlloc(long h, long suggestedSize, long buf) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onAlloc(buf);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void read(long stream, long nread, long buf) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(stream);
            core = LoopCore.ofKey(key);
            handle(core, key).onRead(nread);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void recv(long udp, long nread, long buf, long addr, int flags) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(udp);
            core = LoopCore.ofKey(key);
            handle(core, key).onRecv(nread, buf, addr, flags);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void request(long req, int status) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(status, 0);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void getaddrinfo(long req, int status, long res) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(status, res);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void getnameinfo(long req, int status, long hostname, long service) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(status, hostname);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void exit(long process, long exitStatus, int termSignal) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(process);
            core = LoopCore.ofKey(key);
            handle(core, key).onExit(exitStatus, termSignal);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void idle(long h) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onIdle();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void fs(long req) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(0, req);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void poll(long h, int status, int events) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onPoll(status, events);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void random(long req, int status, long buf, long length) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(status, buf);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    /** filename: the changed entry's name (0 when libuv cannot tell), valid during the call only. */
    private static void fsEvent(long h, long filename, int events, int status) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onFsEvent(filename, events, status);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    /** prev and curr: uv_stat_t structs owned by libuv, valid during the call only. */
    private static void fsPoll(long h, int status, long prev, long curr) {
        LoopCore core = null;
        try {
            long key = Platform.dataOf(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onFsPoll(status, prev, curr);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void fail(LoopCore core, Throwable t) {
        try {
            if (core != null) {
                core.handleError(t);
                return;
            }
        } catch (Throwable inPolicy) {
            t.addSuppressed(inPolicy);
        }
        try {
            System.getLogger("io.juv").log(System.Logger.Level.ERROR, "juv: error in a libuv callback", t);
        } catch (Throwable ignored) {
            // Nothing is left to report to; above all, nothing may unwind into libuv.
        }
    }
}
