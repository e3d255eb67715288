package io.juv.bench;

/** The command line and output line juv's and java.nio's file programs share with native/fs_bench.c. */
record FsArgs(boolean read, String file, int block, int inFlight, double seconds, double warmup, boolean heap) {

    static FsArgs parse(String[] args, boolean heapAllowed) {
        String mode = "read", file = null;
        int block = 1 << 20, inFlight = 4;
        double seconds = 5, warmup = -1;
        boolean heap = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "--file" -> file = args[++i];
                case "--block" -> block = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--heap" -> {
                    if (!heapAllowed) usage();
                    heap = true;
                }
                default -> usage();
            }
        }
        if (file == null || !(mode.equals("read") || mode.equals("stat"))) usage();
        return new FsArgs(mode.equals("read"), file, block, inFlight, seconds, warmup < 0 ? seconds : warmup, heap);
    }

    private static void usage() {
        System.err.println("options: --mode read|stat --file F --block B --in-flight N --seconds S --warmup S [--heap]");
        System.exit(2);
    }

    static void print(long ops, long bytes, double seconds) {
        System.out.printf("ops=%d bytes=%d seconds=%.3f ops_per_s=%.0f bytes_per_s=%.0f%n",
                ops, bytes, seconds, ops / seconds, bytes / seconds);
    }
}
