package io.juv.internal;

import io.juv.bindings.uv_alloc_cb;
import io.juv.bindings.uv_async_cb;
import io.juv.bindings.uv_check_cb;
import io.juv.bindings.uv_close_cb;
import io.juv.bindings.uv_connection_cb;
import io.juv.bindings.uv_getaddrinfo_cb;
import io.juv.bindings.uv_prepare_cb;
import io.juv.bindings.uv_read_cb;
import io.juv.bindings.uv_signal_cb;
import io.juv.bindings.uv_timer_cb;
import io.juv.bindings.uv_write_cb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The process's upcall stubs: one per libuv callback type, made once, shared by every loop.
 *
 * <p>Each stub reads the key from the handle's or request's data slot, finds the loop and the
 * Java object with it, and calls the object's hook. No Throwable leaves a stub (one would end
 * the JVM): everything thrown goes to the loop's error policy, which never throws.
 */
public final class Upcalls {

    private Upcalls() {}

    private static final Arena STUBS = Arena.global();

    public static final MemorySegment CLOSE = uv_close_cb.allocate(Upcalls::close, STUBS);
    public static final MemorySegment TIMER = uv_timer_cb.allocate(Upcalls::timer, STUBS);
    public static final MemorySegment ASYNC = uv_async_cb.allocate(Upcalls::async, STUBS);
    public static final MemorySegment CHECK = uv_check_cb.allocate(Upcalls::check, STUBS);
    public static final MemorySegment PREPARE = uv_prepare_cb.allocate(Upcalls::prepare, STUBS);
    public static final MemorySegment SIGNAL = uv_signal_cb.allocate(Upcalls::signal, STUBS);
    public static final MemorySegment CONNECTION = uv_connection_cb.allocate(Upcalls::connection, STUBS);
    public static final MemorySegment ALLOC = uv_alloc_cb.allocate(Upcalls::alloc, STUBS);
    public static final MemorySegment READ = uv_read_cb.allocate(Upcalls::read, STUBS);
    /** uv_write_cb, uv_connect_cb and uv_shutdown_cb share one C signature, so one stub serves them all. */
    public static final MemorySegment REQUEST = uv_write_cb.allocate(Upcalls::request, STUBS);
    public static final MemorySegment GETADDRINFO = uv_getaddrinfo_cb.allocate(Upcalls::getaddrinfo, STUBS);

    private static long handleKey(MemorySegment handle) {
        return Uv.handleData(handle);
    }

    private static HandleBase handle(LoopCore core, long key) {
        return (HandleBase) core.lookup(key);
    }

    private static void close(MemorySegment h) {
        LoopCore core = null;
        try {
            long key = handleKey(h);
            core = LoopCore.ofKey(key);
            handle(core, key).closed();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void timer(MemorySegment h) {
        LoopCore core = null;
        try {
            long key = handleKey(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onTimer();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void async(MemorySegment h) {
        LoopCore core = null;
        try {
            long key = handleKey(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onAsync();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void check(MemorySegment h) {
        LoopCore core = null;
        try {
            long key = handleKey(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onCheck();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void prepare(MemorySegment h) {
        LoopCore core = null;
        try {
            long key = handleKey(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onPrepare();
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void signal(MemorySegment h, int signum) {
        LoopCore core = null;
        try {
            long key = handleKey(h);
            core = LoopCore.ofKey(key);
            handle(core, key).onSignal(signum);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void connection(MemorySegment server, int status) {
        LoopCore core = null;
        try {
            long key = handleKey(server);
            core = LoopCore.ofKey(key);
            handle(core, key).onConnection(status);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    /** Every read on a loop goes into the loop's one buffer: no allocation per read. */
    private static void alloc(MemorySegment h, long suggestedSize, MemorySegment buf) {
        LoopCore core = null;
        try {
            core = LoopCore.ofKey(handleKey(h));
            Platform.setBuf(buf.reinterpret(Platform.BUF_SIZE), core.readBuffer, core.readBuffer.byteSize());
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void read(MemorySegment stream, long nread, MemorySegment buf) {
        LoopCore core = null;
        try {
            long key = handleKey(stream);
            core = LoopCore.ofKey(key);
            handle(core, key).onRead(nread);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void request(MemorySegment req, int status) {
        LoopCore core = null;
        try {
            long key = Uv.reqData(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(status, MemorySegment.NULL);
        } catch (Throwable t) {
            fail(core, t);
        }
    }

    private static void getaddrinfo(MemorySegment req, int status, MemorySegment res) {
        LoopCore core = null;
        try {
            long key = Uv.reqData(req);
            core = LoopCore.ofKey(key);
            ((RequestBase) core.lookup(key)).completed(status, res);
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
