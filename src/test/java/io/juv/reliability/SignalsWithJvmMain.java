package io.juv.reliability;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.SignalHandler;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * Run in a JVM of its own by {@link SignalsWithJvmTest}: juv handlers for USR1, WINCH, INT and
 * TERM on a loop thread, a shutdown hook printing "shutdown hook ran", and a line on standard
 * input "free" frees the INT and TERM handlers (so that the JVM's own handlers are back).
 * Every line it prints is flushed at once; the parent reads them as they come.
 */
public final class SignalsWithJvmMain {

    private SignalsWithJvmMain() {}

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> say("shutdown hook ran"), "marker-hook"));
        java.util.concurrent.CompletableFuture<EventLoop> made = new java.util.concurrent.CompletableFuture<>();
        Thread loopThread = new Thread(() -> EventLoop.start(l -> {
            made.complete(l);
            for (Signal s : new Signal[] {Signal.USR1, Signal.WINCH, Signal.INT, Signal.TERM}) {
                l.onSignal(s, got -> say("juv " + got + " on " + Thread.currentThread().getName() + " inLoopThread=" + l.inLoopThread()));
            }
            say("ready");
        }), "juv-loop");
        loopThread.setDaemon(true);
        loopThread.start();
        EventLoop loop = made.get();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("free")) {
                loop.execute(() -> {
                    loop.freeSignal(Signal.INT);
                    loop.freeSignal(Signal.TERM);
                    say("freed INT and TERM");
                });
            }
        }
        // Standard input closed without a signal ending the JVM: say so, so the parent sees it.
        say("input ended");
        Thread.sleep(60_000);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
