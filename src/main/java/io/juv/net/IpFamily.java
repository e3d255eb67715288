package io.juv.net;

import io.juv.internal.Platform;

/** Which addresses of a name a lookup or a connect wants. */
public enum IpFamily {
    /** IPv4 and IPv6, in the resolver's order. */
    ANY(0),
    /** IPv4 addresses only. */
    IPV4(Platform.AF_INET),
    /** IPv6 addresses only. */
    IPV6(Platform.AF_INET6);

    /** The platform's AF_* value, for getaddrinfo's hints. */
    final int af;

    IpFamily(int af) {
        this.af = af;
    }
}
