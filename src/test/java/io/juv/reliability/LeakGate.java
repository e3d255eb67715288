package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.LoopStats;
import io.juv.internal.LoopCore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a loop and the process hold, taken before a load and compared after it: a leak gate in
 * the manner of uvloop's live-object counters at teardown. Everything a handle or request can
 * leave behind is counted: libuv handles by kind, pending requests, entries in the loop's key
 * table, native bytes, and the process's open file descriptors.
 */
public record LeakGate(int handles, int requests, int tableEntries, long nativeBytes, long fds) {

    /** Takes the figures on the loop's thread (or while the loop is not running). */
    public static LeakGate of(EventLoop loop) {
        LoopStats s = loop.stats();
        return new LeakGate(s.openHandles(), s.pendingRequests(), LoopCore.of(loop).tableEntries(), s.nativeBytes(), openFds());
    }

    /**
     * The process's open file descriptors (Linux's /proc; -1 where there is no such view).
     * Synchronized on this class, which a sampler that opens files of its own holds too, so that
     * its descriptors are never counted in a gate.
     */
    public static synchronized long openFds() {
        Path dir = Path.of("/proc/self/fd");
        if (!Files.isDirectory(dir)) return -1;
        try (Stream<Path> fds = Files.list(dir)) {
            return fds.count() - 1; // the directory stream's own descriptor
        } catch (IOException e) {
            return -1;
        }
    }

    /** Asserts the loop and process hold what they held at baseline, naming each figure that differs. */
    public void assertBackTo(LeakGate baseline) {
        assertEquals(baseline, this, "leak gate: after the load (right) against the baseline (left)");
    }
}
