package io.juv.process;

/** Runs on the loop's thread when a child exits. */
@FunctionalInterface
public interface ExitHandler {
    void onExit(Process process, ProcessExit exit);
}
