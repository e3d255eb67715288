package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.SignalHandler;
import io.juv.UvException;
import io.juv.net.IpFamily;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Looks a name up on libuv's thread pool: every address of it, one per line, then the name the
 * first one has (a reverse lookup), as {@code name ADDRESS NAME}.
 *
 * <pre>
 * make example NAME=dns ARGS='localhost'
 * make example NAME=dns ARGS='-4 example.org'
 * getent ahosts localhost            # what the system's own resolver says, to compare
 * </pre>
 *
 * <p>Exits 0 when the name was found, 1 when it was not (or the resolver failed), 2 for bad
 * arguments. SIGINT (Ctrl-C) stops it: the lookup under way still ends (a resolver call cannot
 * be interrupted), nothing more starts, and it exits 130.
 *
 * <pre>
 * -4 / -6   IPv4 or IPv6 addresses only (default: both)
 * </pre>
 */
public final class Dns {

    private Dns() {}

    public static void main(String[] args) {
        IpFamily family = IpFamily.ANY;
        String host = null;
        for (String a : args) {
            switch (a) {
                case "-4" -> family = IpFamily.IPV4;
                case "-6" -> family = IpFamily.IPV6;
                default -> {
                    if (a.startsWith("-") || host != null) usage();
                    host = a;
                }
            }
        }
        if (host == null) usage();
        String name = host;
        IpFamily f = family;
        int[] status = {0};
        EventLoop.start(loop -> {
            boolean[] interrupted = {false};
            SignalHandler sigint = loop.onSignal(Signal.INT, sig -> {
                System.err.println("interrupted");
                interrupted[0] = true;
                status[0] = 130;
                loop.exit();
            });
            loop.lookup(name, f)
                    .thenCompose(addresses -> {
                        for (InetAddress a : addresses) System.out.println(a.getHostAddress());
                        if (interrupted[0]) return CompletableFuture.completedFuture(null);
                        InetAddress first = addresses.get(0);
                        return loop.reverseLookup(first).thenApply(n -> {
                            System.out.println("name " + first.getHostAddress() + " " + n);
                            return n;
                        });
                    })
                    .whenComplete((n, e) -> {
                        sigint.close(); // the last handle: the loop ends
                        if (e == null) return;
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        System.err.println(name + ": " + (cause instanceof UvException u ? u.kind() + " (" + u.getMessage() + ")" : cause));
                        if (status[0] == 0) status[0] = 1;
                    });
        });
        System.exit(status[0]);
    }

    private static void usage() {
        System.err.println("usage: dns [-4|-6] HOST");
        System.exit(2);
    }
}
