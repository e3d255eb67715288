/**
 * juv: libuv's event loop for Java, through the Foreign Function &amp; Memory API.
 *
 * <p>{@link io.juv.EventLoop} is the entry point; {@code io.juv.net} has TCP, pipes, UDP, DNS and
 * TLS, {@code io.juv.fs} files and watching, {@code io.juv.process} child processes,
 * {@code io.juv.tty} terminals. juv calls libuv through restricted methods of
 * {@code java.lang.foreign}, so the JVM must grant this module native access:
 * {@code java --enable-native-access=io.juv ...} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path (or, in an executable jar's
 * manifest, {@code Enable-Native-Access: ALL-UNNAMED}). Without it juv logs once, through the
 * {@link System.Logger} {@code io.juv}, which flag to add, before the JDK's own warning.
 *
 * <p>The only native dependency is the system's libuv, 1.44 or newer.
 */
module io.juv {
    // internal.Platform reads the running OS's signal numbers from sun.misc.Signal (reflectively,
    // so the build has no compile-time tie to it). It must still be required: when the application
    // starts from a named module (java -m), only the modules it requires, directly or through
    // others, are resolved, and without jdk.unsupported every signal would be unknown.
    requires jdk.unsupported;

    exports io.juv;
    exports io.juv.net;
    exports io.juv.fs;
    exports io.juv.process;
    exports io.juv.tty;
    // Not exported: io.juv.internal (the FFM layer) and io.juv.bindings (jextract's libuv bindings).
}
