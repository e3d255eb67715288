package io.juv.examples;

import picocli.CommandLine.Option;

/**
 * The command line of a server example that takes only {@code --host ADDR} and {@code --port N}: a
 * picocli mixin, {@code @Mixin HostPort at = new HostPort("127.0.0.1", 7000)}, whose initial values
 * are the defaults its {@code --help} shows.
 */
final class HostPort {

    @Option(names = "--host", paramLabel = "ADDR",
            description = "bind address (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: for every interface)")
    private String host;

    @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE}; 0 lets the system choose)")
    private int port;

    HostPort(String defaultHost, int defaultPort) {
        this.host = defaultHost;
        this.port = defaultPort;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }
}
