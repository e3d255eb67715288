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
    /** SIGHUP: the terminal hung up; by convention, also "reload your configuration". The JVM's shutdown hooks run on it. */
    HUP,
    /** SIGINT: the terminal's interrupt key (^C). The JVM's shutdown hooks run on it. */
    INT,
    /** SIGQUIT: the terminal's quit key (Ctrl-\). The JVM prints a thread dump on it. */
    QUIT,
    /** SIGILL: an illegal instruction. Reserved by the JVM. */
    ILL,
    /** SIGTRAP: a trace or breakpoint trap. */
    TRAP,
    /** SIGABRT: {@code abort()}. */
    ABRT,
    /** SIGBUS: a bus error (a fault on a mapped file, say). Reserved by the JVM. */
    BUS,
    /** SIGFPE: an arithmetic fault. Reserved by the JVM. */
    FPE,
    /** SIGKILL: kills the process; it cannot be caught, so it is refused. */
    KILL,
    /** SIGUSR1: for the program's own use. */
    USR1,
    /** SIGSEGV: a segmentation fault. Reserved by the JVM. */
    SEGV,
    /** SIGUSR2: for the program's own use elsewhere, but reserved by the JVM, which suspends threads with it. */
    USR2,
    /** SIGPIPE: a write to a pipe or socket with no reader. */
    PIPE,
    /** SIGALRM: a timer set with {@code alarm()} expired. */
    ALRM,
    /** SIGTERM: a request to terminate (what {@code kill} sends by default). The JVM's shutdown hooks run on it. */
    TERM,
    /** SIGCHLD: a child process stopped or exited. */
    CHLD,
    /** SIGCONT: continue after a stop. */
    CONT,
    /** SIGSTOP: stops the process; it cannot be caught, so it is refused. */
    STOP,
    /** SIGTSTP: the terminal's stop key (^Z). */
    TSTP,
    /** SIGTTIN: a background process read from its terminal. */
    TTIN,
    /** SIGTTOU: a background process wrote to its terminal. */
    TTOU,
    /** SIGURG: urgent data on a socket. */
    URG,
    /** SIGXCPU: the CPU time limit was exceeded. */
    XCPU,
    /** SIGXFSZ: the file size limit was exceeded. */
    XFSZ,
    /** SIGVTALRM: a virtual timer expired. */
    VTALRM,
    /** SIGPROF: a profiling timer expired; the one signal {@link LoopOptions#blockSignal} takes. */
    PROF,
    /** SIGWINCH: the terminal's window size changed. */
    WINCH,
    /** SIGIO: I/O is possible on a descriptor. */
    IO,
    /** SIGSYS: a bad system call. */
    SYS;

    private volatile int number = Integer.MIN_VALUE;

    /** {@return this platform's number for the signal, or -1 if the platform has no such signal} */
    public int number() {
        int n = number;
        if (n == Integer.MIN_VALUE) number = n = Platform.signalNumber(name());
        return n;
    }

    /** {@return true when the JVM needs this signal for itself, so juv will not hand it to libuv} */
    public boolean isReservedByJvm() {
        return Platform.jvmReserves(name());
    }

    /**
     * {@return the signal with this platform number, or null}
     *
     * @param number a signal number of this platform
     */
    public static Signal of(int number) {
        for (Signal s : values()) if (s.number() == number) return s;
        return null;
    }
}
