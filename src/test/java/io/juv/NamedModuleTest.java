package io.juv;

import io.juv.examples.Sysinfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * juv is the named module io.juv (src/main/java/module-info.java): the API packages exported, the FFM
 * layer and the bindings not; and without native access juv names the flag to add, once, before the
 * JDK's own warning, on the class path and on the module path. (The tests themselves run on the class
 * path, see the pom; consumer/run checks the installed jar the same way, as a user's project.)
 */
@Timeout(60)
class NamedModuleTest {

    static final Set<String> API = Set.of("io.juv", "io.juv.net", "io.juv.fs", "io.juv.process", "io.juv.tty");
    private static final String HINT = "juv: native access is not enabled";
    private static final String JDK_WARNING = "WARNING: A restricted method";

    /** target/classes, juv's exploded module. */
    private static Path classes() throws Exception {
        return Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor() throws Exception {
        return ModuleFinder.of(classes()).find("io.juv").orElseThrow().descriptor();
    }

    @Test
    void theModuleExportsTheApiPackagesAndNothingElse() throws Exception {
        ModuleDescriptor d = descriptor();
        assertEquals(API, d.exports().stream().peek(e -> assertTrue(e.targets().isEmpty(), e::toString))
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertEquals(Set.of(), d.opens());
        // A new package is either API (export it in module-info.java and here) or internal.
        Set<String> unexported = new TreeSet<>(d.packages());
        unexported.removeAll(API);
        assertEquals(Set.of("io.juv.internal", "io.juv.bindings"), unexported);
        // Nothing but the JDK: java.base, and jdk.unsupported for the signal numbers.
        assertEquals(Set.of("java.base", "jdk.unsupported"),
                d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }

    /**
     * A JVM without --enable-native-access runs an entry point, on the class path or with juv on the
     * module path; juv's hint names the flag for that case, once, before the JDK's first warning line.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "class path / a loop first,       ALL-UNNAMED, io.juv.examples.Sysinfo",
            "class path / a signal first,     ALL-UNNAMED, io.juv.NamedModuleTest$SignalFirst",
            "module path / a loop first,      io.juv,      io.juv.examples.Sysinfo",
    })
    void withoutNativeAccessJuvNamesTheFlagOnceBeforeTheJdkWarns(String name, String flag, String main, @TempDir Path dir)
            throws Exception {
        List<String> err = java(dir, false, flag.equals("io.juv"), main);
        List<String> hints = err.stream().filter(l -> l.contains(HINT)).toList();
        assertEquals(1, hints.size(), () -> String.join("\n", err));
        assertTrue(hints.getFirst().contains("add --enable-native-access=" + flag + " to the java command line"), hints::getFirst);
        int jdk = indexOf(err, JDK_WARNING);
        assertTrue(jdk >= 0, () -> "no JDK warning without the flag:\n" + String.join("\n", err));
        assertTrue(err.indexOf(hints.getFirst()) < jdk, () -> String.join("\n", err));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"class path, false", "module path, true"})
    void withNativeAccessNothingIsSaid(String name, boolean modulePath, @TempDir Path dir) throws Exception {
        assertEquals(List.of(), java(dir, true, modulePath, Sysinfo.class.getName()));
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** Runs main in a JVM of its own and returns its standard error, after checking it exited 0. */
    private static List<String> java(Path dir, boolean grant, boolean modulePath, String main) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        if (grant) command.add("--enable-native-access=" + (modulePath ? "io.juv" : "ALL-UNNAMED"));
        if (modulePath) {
            // juv from its exploded module; the example stays on the class path (its package is not io.juv's),
            // with picocli, which parses its command line.
            command.addAll(List.of("-p", classes().toString(), "--add-modules", "io.juv",
                    "-cp", codeSource(Sysinfo.class) + java.io.File.pathSeparator + codeSource(picocli.CommandLine.class)));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        }
        command.add(main);
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not end");
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(err);
        assertEquals(0, p.exitValue(), () -> String.join("\n", lines));
        return lines;
    }

    private static int indexOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(start)) return i;
        return -1;
    }

    /** An entry point that reaches internal.Platform before libuv is loaded: a signal's number. */
    public static final class SignalFirst {
        public static void main(String[] args) {
            if (Signal.INT.number() <= 0) throw new AssertionError("no number for SIGINT");
            EventLoop.start(loop -> loop.delay(java.time.Duration.ZERO, () -> { }));
        }
    }
}
