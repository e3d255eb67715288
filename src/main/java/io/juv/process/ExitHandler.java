package io.juv.process;

/** Runs on the loop's thread when a child exits. */
@FunctionalInterface
public interface ExitHandler {
    /**
     * The child has exited and been reaped. The process handle closes right after this returns;
     * output still in its pipes may come after (see {@link Process#finished()}). An exception
     * thrown here goes to the loop's error policy, and the handle closes all the same.
     *
     * @param process the process that exited; its {@link Process#kill} refuses from now on
     * @param exit    how it ended
     */
    void onExit(Process process, ProcessExit exit);
}
