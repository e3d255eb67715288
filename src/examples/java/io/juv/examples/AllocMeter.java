package io.juv.examples;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What a loop thread allocates per request and per connection, reported every second from a
 * thread of its own (so that reporting allocates nothing on the loop thread it measures): the
 * loop thread's allocated bytes ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes},
 * exact, TLAB refills included) over the requests and connections counted in that second.
 *
 * <p>The counters are the loop thread's own plain fields, read here with opaque reads: each line is
 * a difference of two samples, so however a sample falls across a request, the lines add up to
 * exact totals over any span of them. A line reads
 * {@code alloc: +R requests +C connections +B bytes: X B/request Y B/connection}.
 */
public final class AllocMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long loopThreadId;
    private final LongSupplier requests;
    private final LongSupplier connections;

    /** Measures the calling thread, which must be the loop's. */
    AllocMeter(LongSupplier requests, LongSupplier connections) {
        if (!THREADS.isThreadAllocatedMemorySupported()) throw new IllegalStateException("this JVM cannot count a thread's allocated bytes");
        THREADS.setThreadAllocatedMemoryEnabled(true);
        this.loopThreadId = Thread.currentThread().threadId();
        this.requests = requests;
        this.connections = connections;
    }

    /** Reads a plain long field of the loop thread's from another thread, without tearing or hoisting. */
    static LongSupplier opaque(Object owner, String field) {
        try {
            VarHandle h = MethodHandles.privateLookupIn(owner.getClass(), MethodHandles.lookup())
                    .findVarHandle(owner.getClass(), field, long.class);
            return () -> (long) h.getOpaque(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Prints a line every second on a daemon thread, until the JVM ends. */
    void start() {
        Thread t = new Thread(this::report, "alloc-meter");
        t.setDaemon(true);
        t.start();
    }

    private void report() {
        long bytes = THREADS.getThreadAllocatedBytes(loopThreadId), reqs = requests.getAsLong(), conns = connections.getAsLong();
        while (true) {
            try {
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long b = THREADS.getThreadAllocatedBytes(loopThreadId), r = requests.getAsLong(), c = connections.getAsLong();
            if (b < 0) return; // the loop thread ended
            long db = b - bytes, dr = r - reqs, dc = c - conns;
            bytes = b;
            reqs = r;
            conns = c;
            System.out.printf("alloc: +%d requests +%d connections +%d bytes: %s B/request %s B/connection%n",
                    dr, dc, db, per(db, dr), per(db, dc));
        }
    }

    private static String per(long bytes, long count) {
        return count == 0 ? "-" : String.format("%.2f", (double) bytes / count);
    }
}
