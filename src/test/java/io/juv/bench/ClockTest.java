package io.juv.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The harness's clocks and RSS sources against each other, on a child that burns CPU: the JDK's
 * ProcessHandle clock (portable mode's) must read what /proc reads (wrk mode's) on Linux, where
 * the JDK reads the same utime and stime ticks.
 */
@Timeout(60)
class ClockTest {

    private Process busy;

    @AfterEach
    void stopTheChild() throws InterruptedException {
        if (busy != null) {
            busy.destroyForcibly();
            busy.waitFor();
        }
    }

    /** A shell spinning on one core (a busy loop of its builtins: no child of its own to hide CPU time in). */
    private Process spin() throws Exception {
        busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        Thread.sleep(700);
        return busy;
    }

    @Test
    void processHandleReadsWhatProcReads() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc here");
        long pid = spin().pid();
        double tick = 1 / Proc.TICKS;
        for (int i = 0; i < 5; i++) {
            // Read in turns, both ways round: either may see one more tick charged between the two reads.
            double proc1 = Proc.Clock.PROC.seconds(pid);
            double process = Proc.Clock.PROCESS.seconds(pid);
            double proc2 = Proc.Clock.PROC.seconds(pid);
            assertTrue(proc1 > 0.1, () -> "the child burnt CPU: " + proc1);
            assertTrue(process >= proc1 - 1e-9 && process <= proc2 + 1e-9,
                    () -> "ProcessHandle " + process + " s between /proc's " + proc1 + " and " + proc2 + " s");
            // Whole ticks: the JDK scales the same tick count, so it has /proc's resolution, no finer.
            double ticks = process / tick;
            assertEquals(Math.rint(ticks), ticks, 1e-6, "a whole number of ticks");
            Thread.sleep(100);
        }
        assertTrue(Proc.Clock.PROCESS.works() && Proc.Clock.PROC.works());
    }

    @Test
    void psReadsWhatProcReadsToItsResolution() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")) && Proc.onPath("ps"), "no /proc or ps here");
        long pid = spin().pid();
        Thread.sleep(1500);
        double proc = Proc.Clock.PROC.seconds(pid);
        double ps = Proc.Clock.PS.seconds(pid);
        // Linux's procps prints whole seconds (BSD's ps centiseconds): ps rounds down.
        assertTrue(ps <= proc + 1e-9 && ps > proc - 1.01, () -> "ps " + ps + " s, /proc " + proc + " s");
    }

    @Test
    void psTimeReadsEveryFormatPsPrints() {
        assertEquals(83.45, Proc.psTime("  1:23.45\n"), 1e-9); // macOS, BSD: minutes:seconds.centiseconds
        assertEquals(3723, Proc.psTime("01:02:03"), 1e-9); // procps: hours:minutes:seconds
        assertEquals(90_061, Proc.psTime("1-01:01:01"), 1e-9); // and days
        assertTrue(Double.isNaN(Proc.psTime("")));
        assertTrue(Double.isNaN(Proc.psTime("TIME")));
    }

    @Test
    void rssFromPsAgreesWithProc() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")) && Proc.onPath("ps"), "no /proc or ps here");
        long self = ProcessHandle.current().pid();
        long proc = Proc.Rss.PROC.bytes(self);
        long ps = Proc.Rss.PS.bytes(self);
        assertTrue(proc > 1 << 20, () -> "VmRSS " + proc);
        // Two reads of a running JVM a few milliseconds apart: within 10 %.
        assertTrue(Math.abs(ps - proc) < proc / 10, () -> "ps " + ps + " B, /proc " + proc + " B");
        assertEquals(Proc.Rss.PROC, Proc.Rss.detect());
        assertEquals(-1, Proc.Rss.NONE.bytes(self));
    }

    @Test
    void pinnedPrependsTasksetOnlyWhenPinning() {
        boolean was = Proc.pin;
        try {
            Proc.pin = true;
            assertEquals(List.of("taskset", "-c", "1", "x"), Proc.pinned("1", List.of("x")));
            Proc.pin = false;
            assertEquals(List.of("x"), Proc.pinned("1", List.of("x")));
        } finally {
            Proc.pin = was;
        }
    }
}
