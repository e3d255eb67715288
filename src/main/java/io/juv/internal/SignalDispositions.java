package io.juv.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Keeps the JVM's own signal handlers alive across libuv's use of a signal.
 *
 * <p>Dispositions are process-wide and libuv's signal watchers are counted process-wide, so
 * this is too: the first watcher of a signal in any loop saves what was installed, and after
 * the last one stops (libuv then resets the signal to SIG_DFL) the saved handler is put back.
 */
public final class SignalDispositions {

    private static final Map<Integer, Integer> watchers = new HashMap<>();
    /** One buffer per signal number, kept for the process's life (a few hundred bytes each). */
    private static final Map<Integer, MemorySegment> saved = new HashMap<>();
    private static final Map<Integer, Boolean> valid = new HashMap<>();

    private SignalDispositions() {}

    /**
     * Starts a watcher (uv_signal_start) with the disposition saved first if it is the signal's
     * first. Under one lock with {@link #stop}, so loops on other threads cannot interleave.
     */
    public static synchronized int start(int signum, IntSupplier startWatcher) {
        boolean first = !watchers.containsKey(signum);
        if (first) {
            MemorySegment buf = saved.computeIfAbsent(signum, s -> Arena.global().allocate(Platform.SIGACTION_SIZE));
            valid.put(signum, Platform.saveDisposition(signum, buf));
        }
        int rc = startWatcher.getAsInt();
        if (rc >= 0) watchers.merge(signum, 1, Integer::sum);
        else if (first) valid.remove(signum);
        return rc;
    }

    /** Stops a started watcher (uv_signal_stop); after the signal's last, restores the saved disposition. */
    public static synchronized void stop(int signum, Runnable stopWatcher) {
        stopWatcher.run();
        Integer n = watchers.get(signum);
        if (n == null) return;
        if (n > 1) {
            watchers.put(signum, n - 1);
            return;
        }
        watchers.remove(signum);
        if (Boolean.TRUE.equals(valid.remove(signum))) Platform.restoreDisposition(signum, saved.get(signum));
    }
}
