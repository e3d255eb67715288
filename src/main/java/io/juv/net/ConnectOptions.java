package io.juv.net;

import java.time.Duration;

/**
 * How {@code EventLoop.connect} connects: which address family of a name to use (an IP literal or
 * a list of addresses is taken as given), and how long the whole of it (lookup and every attempt)
 * may take before it fails with {@code TIMED_OUT}.
 *
 * <pre>{@code loop.connect("example.org", 80, ConnectOptions.DEFAULT.timeout(Duration.ofSeconds(5)), handler)}</pre>
 */
public record ConnectOptions(IpFamily family, Duration timeout) {

    /** Any family, no timeout but the system's. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(IpFamily.ANY, Duration.ZERO);

    public ConnectOptions {
        java.util.Objects.requireNonNull(family, "family");
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
    }

    public ConnectOptions family(IpFamily family) {
        return new ConnectOptions(family, timeout);
    }

    /** Zero: no timeout of juv's. */
    public ConnectOptions timeout(Duration timeout) {
        return new ConnectOptions(family, timeout);
    }

    long timeoutMillis() {
        long ms = timeout.toMillis();
        return ms == 0 && !timeout.isZero() ? 1 : ms;
    }
}
