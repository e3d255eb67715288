package io.juv.examples;

/** The command line of a server example that takes only {@code --host ADDR} and {@code --port N}. */
record HostPort(String host, int port) {

    /** Parses the arguments, or prints the usage and exits with status 2. */
    static HostPort parse(String[] args, String defaultHost, int defaultPort) {
        String host = defaultHost;
        int port = defaultPort;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; options: --host ADDR --port N");
                    System.exit(2);
                }
            }
        }
        return new HostPort(host, port);
    }
}
