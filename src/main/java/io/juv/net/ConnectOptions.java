package io.juv.net;

import java.time.Duration;

/**
 * How {@code EventLoop.connect} connects: which address family of a name to use (an IP literal or
 * a list of addresses is taken as given), and how long the whole of it (lookup and every attempt)
 * may take before it fails with {@code TIMED_OUT}. Immutable; each setter returns a changed copy.
 *
 * <pre>{@code loop.connect("example.org", 80, ConnectOptions.DEFAULT.timeout(Duration.ofSeconds(5)), handler)}</pre>
 *
 * @param family  which addresses of a name to try
 * @param timeout how long the connect may take in all, lookup included; zero: no limit of juv's
 *                (a timeout below a millisecond counts as one)
 */
public record ConnectOptions(IpFamily family, Duration timeout) {

    /** Any family, no timeout but the system's. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(IpFamily.ANY, Duration.ZERO);

    /**
     * Checks the options.
     *
     * @param family  which addresses of a name to try
     * @param timeout the limit for the whole connect, or zero
     * @throws IllegalArgumentException for a negative timeout
     */
    public ConnectOptions {
        java.util.Objects.requireNonNull(family, "family");
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
    }

    /**
     * {@return these options with another family}
     *
     * @param family which addresses of a name to try
     */
    public ConnectOptions family(IpFamily family) {
        return new ConnectOptions(family, timeout);
    }

    /**
     * {@return these options with another timeout}
     *
     * @param timeout the limit for the whole connect; zero: no timeout of juv's
     * @throws IllegalArgumentException for a negative timeout
     */
    public ConnectOptions timeout(Duration timeout) {
        return new ConnectOptions(family, timeout);
    }

    long timeoutMillis() {
        long ms = timeout.toMillis();
        return ms == 0 && !timeout.isZero() ? 1 : ms;
    }
}
