package io.juv.reliability;

import io.juv.Programs;
import io.juv.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signals sent with {@code kill -s} to a JVM of its own ({@link SignalsWithJvmMain}) that holds
 * juv handlers for USR1, WINCH, INT and TERM: juv's handlers run on the loop's thread, the JVM's
 * SIGQUIT thread dump still works, and once juv's INT and TERM handlers are freed those signals
 * run the JVM's shutdown hooks again (issue 9, item 10).
 */
@Timeout(60)
class SignalsWithJvmTest {

    @RegisterExtension
    final Programs programs = new Programs();

    private static void kill(Programs.Running p, Signal s) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", s.name(), Long.toString(p.process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -s " + s);
    }

    private Programs.Running started() throws IOException, InterruptedException {
        return started("--default-signal=INT,TERM");
    }

    /**
     * The JVM started through {@code env} with {@code dispositions}: the default for INT and TERM, as
     * from a terminal, unless a test says otherwise. A child inherits ignored signals, and this test's
     * JVM may have INT ignored (a background job of a non-interactive shell, CI's say); a JVM that starts
     * with INT ignored leaves it so, as nohup expects, and has no handler of its own to be given back.
     */
    private Programs.Running started(String dispositions) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("env", dispositions));
        command.addAll(Programs.javaCommand(SignalsWithJvmMain.class, List.of()));
        Programs.Running p = programs.run(command.toArray(String[]::new));
        p.awaitContaining("ready");
        return p;
    }

    @Test
    void usr1AndWinchRunJuvHandlersOnTheLoopThread() throws Exception {
        Programs.Running p = started();
        for (Signal s : List.of(Signal.USR1, Signal.WINCH, Signal.USR1)) {
            kill(p, s);
            assertEquals("juv " + s + " on juv-loop inLoopThread=true", p.awaitContaining("juv " + s));
        }
        assertTrue(p.process.isAlive());
    }

    /** QUIT is left to the JVM (juv holds no handler for it here): the thread dump names juv's loop thread, and the JVM lives on. */
    @Test
    void quitStillPrintsTheJvmsThreadDump() throws Exception {
        Programs.Running p = started();
        kill(p, Signal.QUIT);
        p.awaitContaining("Full thread dump");
        p.awaitContaining("\"juv-loop\"");
        kill(p, Signal.USR1);
        p.awaitContaining("juv USR1");
        assertTrue(p.process.isAlive(), "SIGQUIT ended the JVM");
    }

    /** While juv holds INT and TERM they reach juv; after freeing, the JVM's handler runs the shutdown hooks and exits 128 + the signal. */
    @ParameterizedTest
    @EnumSource(names = {"INT", "TERM"})
    void afterJuvFreesIntAndTermTheShutdownHooksRunAgain(Signal s) throws Exception {
        Programs.Running p = started();
        kill(p, s);
        p.awaitContaining("juv " + s + " on juv-loop inLoopThread=true");
        assertTrue(p.process.isAlive(), "juv's handler let SIG" + s + " end the JVM");
        assertFalse(p.transcript.contains("shutdown hook ran"));
        p.write("free\n");
        p.awaitContaining("freed INT and TERM");
        kill(p, s);
        p.awaitContaining("shutdown hook ran");
        assertEquals(128 + s.number(), p.waitForExit());
    }

    /**
     * A JVM started with INT ignored (under nohup, or as a background job of a script) had no handler of
     * its own: juv's handler gets INT while it is there, and after freeing, INT is ignored again, not
     * turned into SIG_DFL's sudden death. The loop is still there to say so.
     */
    @Test
    void anIntIgnoredAtStartIsIgnoredAgainAfterJuvFreesIt() throws Exception {
        Programs.Running p = started("--ignore-signal=INT");
        kill(p, Signal.INT);
        p.awaitContaining("juv INT on juv-loop inLoopThread=true");
        p.write("free\n");
        p.awaitContaining("freed INT and TERM");
        kill(p, Signal.INT);
        kill(p, Signal.USR1); // an ignored signal is dropped as it is sent: USR1 seen, the INT has had its chance
        p.awaitContaining("juv USR1");
        assertTrue(p.process.isAlive(), "SIGINT ended a JVM that started with it ignored");
        assertFalse(p.transcript.contains("shutdown hook ran"), () -> "the hooks ran: " + p.transcript);
    }

    /** The signals the JVM needs are refused with a typed error (documented on {@link Signal}); nothing is installed. */
    @ParameterizedTest
    @EnumSource(names = {"SEGV", "USR2", "BUS", "FPE", "ILL", "KILL", "STOP"})
    void signalsTheJvmNeedsAreRefusedTyped(Signal s) {
        assertTrue(s.isReservedByJvm());
        io.juv.Loops.run(loop -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.onSignal(s, x -> { }));
            assertTrue(e.getMessage().contains("SIG" + s), e.getMessage());
            assertEquals(0, loop.stats().openHandles());
        });
    }
}
