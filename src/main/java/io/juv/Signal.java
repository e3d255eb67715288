package io.juv;

import io.juv.internal.Platform;

/**
 * POSIX signals by name. Their numbers are the running platform's own, read at run time
 * ({@link #number()}): SIGUSR1 is 10 on Linux and 30 on macOS, for example.
 *
 * <p>The JVM uses some signals itself. SEGV, BUS, ILL, FPE and USR2 (and KILL and STOP, which
 * no process can catch) are refused. INT, TERM and HUP run the JVM's shutdown hooks and QUIT
 * prints its thread dump: juv may take them, and while a juv handler for one is installed it
 * receives that signal instead of the JVM. When the last juv handler for the signal is freed,
 * the JVM's own handler is installed again.
 */
public enum Signal {
    HUP, INT, QUIT, ILL, TRAP, ABRT, BUS, FPE, KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM,
    CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, XCPU, XFSZ, VTALRM, PROF, WINCH, IO, SYS;

    private volatile int number = Integer.MIN_VALUE;

    /** This platform's number for the signal, or -1 if the platform has no such signal. */
    public int number() {
        int n = number;
        if (n == Integer.MIN_VALUE) number = n = Platform.signalNumber(name());
        return n;
    }

    /** True when the JVM needs this signal for itself, so juv will not hand it to libuv. */
    public boolean isReservedByJvm() {
        return Platform.jvmReserves(name());
    }

    /** The signal with this platform number, or null. */
    public static Signal of(int number) {
        for (Signal s : values()) if (s.number() == number) return s;
        return null;
    }
}
