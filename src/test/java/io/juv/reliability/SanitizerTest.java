package io.juv.reliability;

import io.juv.Loops;
import io.juv.Programs;
import java.io.IOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code make sanitize}'s proof that its silence means something: ASan's runtime and the
 * instrumented libuv (UBSan's runtime is linked into it) are in this test JVM, and a fault inside
 * libuv in a JVM started the same way is reported in each sanitizer's log. Runs only under {@code make sanitize} (-Djuv.test.sanitize=true).
 */
@EnabledIfSystemProperty(named = "juv.test.sanitize", matches = "true")
class SanitizerTest {

    @RegisterExtension
    final Programs programs = new Programs();

    @Test
    @Timeout(30)
    void theRuntimesAndTheInstrumentedLibuvAreInThisJvm() throws IOException {
        Loops.run(loop -> loop.delay(Duration.ofMillis(1), () -> {})); // libuv is loaded and has run
        String maps = Files.readString(Path.of("/proc/self/maps"));
        Path libuv = Path.of(System.getProperty("juv.libuv.path")).toRealPath();
        assertTrue(maps.contains("libasan.so"), "libasan is not mapped into the test JVM");
        assertTrue(maps.contains(libuv.toString()), "the instrumented libuv " + libuv + " is not mapped into the test JVM");
        assertTrue(System.getenv("ASAN_OPTIONS").contains("log_path="), "ASAN_OPTIONS names no log: " + System.getenv("ASAN_OPTIONS"));
    }

    @Test
    @Timeout(60)
    void aFaultInsideLibuvIsReported(@TempDir Path logs) throws Exception {
        Path watched = Files.createDirectory(logs.resolve("watched"));
        ProcessBuilder pb = new ProcessBuilder(Programs.javaCommand(SanitizerCanary.class, List.of(), watched.toString()));
        // The same options and preload, but logs of its own: these reports are expected.
        pb.environment().put("ASAN_OPTIONS", relog(System.getenv("ASAN_OPTIONS"), logs.resolve("asan")));
        pb.environment().put("UBSAN_OPTIONS", relog(System.getenv("UBSAN_OPTIONS"), logs.resolve("ubsan")));
        Process canary = programs.start(pb.redirectErrorStream(true).redirectOutput(logs.resolve("out").toFile()));
        assertTrue(canary.waitFor(50, TimeUnit.SECONDS), "the canary did not exit");
        String out = Files.readString(logs.resolve("out"));
        assertEquals(0, canary.exitValue(), out);
        assertTrue(out.contains("fs_event canary done"), out);
        String asan = report(logs, "asan.");
        assertTrue(asan.contains("heap-buffer-overflow") && asan.contains("uv_ip4_addr"), "no ASan report of the overflow: " + asan);
        assertTrue(asan.contains("stack-use-after-return") && asan.contains("uv__inotify_read") && asan.contains("uv_inet_pton"),
                "no ASan report of the file name read after its callback: " + asan);
        String ubsan = report(logs, "ubsan.");
        assertTrue(ubsan.contains("misaligned address") && ubsan.contains("uv-common.c"), "no UBSan report of the misaligned access: " + ubsan);
    }

    private static String relog(String options, Path log) {
        assertNotNull(options, "no sanitizer options in this JVM's environment");
        return options.replaceAll("log_path=[^:]*", "log_path=" + log);
    }

    private static String report(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) all.append(Files.readString(f));
            return all.toString();
        }
    }
}
