package io.juv.process;

import io.juv.Signal;

/**
 * How a child ended, as libuv's exit callback reports it: its exit status (0 when a signal ended
 * it) and the number of the signal that ended it (0 when it exited by itself).
 *
 * @param status       the exit status the child gave, or 0 when a signal ended it
 * @param signalNumber the number of the signal that ended it, or 0 when it exited by itself
 */
public record ProcessExit(long status, int signalNumber) {

    /** {@return the signal that ended the child, or null if it exited by itself (or the signal has no name here)} */
    public Signal signal() {
        return signalNumber == 0 ? null : Signal.of(signalNumber);
    }

    /** {@return true when the child exited by itself with status 0} */
    public boolean isSuccess() {
        return status == 0 && signalNumber == 0;
    }

    @Override
    public String toString() {
        if (signalNumber == 0) return "exit status " + status;
        Signal s = signal();
        return "killed by " + (s != null ? "SIG" + s : "signal " + signalNumber);
    }
}
