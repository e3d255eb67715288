package io.juv.examples;

import io.juv.EventLoop;
import io.juv.Signal;
import io.juv.SignalHandler;
import io.juv.UvException;
import io.juv.net.IpFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.util.concurrent.Callable;
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
@Command(name = "dns", description = "Looks a name up on libuv's thread pool: every address of it, then the first one's name.")
public final class Dns implements Callable<Integer> {

    private IpFamily family = IpFamily.ANY;

    @Parameters(paramLabel = "HOST", description = "the name to look up")
    private String host;

    private Dns() {}

    public static void main(String[] args) {
        Cli.runAndExit(new Dns(), args);
    }

    // The last of -4 and -6 wins.
    @Option(names = "-4", description = "IPv4 addresses only (default: both)")
    private void ipv4(boolean on) {
        family = IpFamily.IPV4;
    }

    @Option(names = "-6", description = "IPv6 addresses only (default: both)")
    private void ipv6(boolean on) {
        family = IpFamily.IPV6;
    }

    @Override
    public Integer call() {
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
        return status[0];
    }
}
