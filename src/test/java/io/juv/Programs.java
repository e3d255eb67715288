package io.juv;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Programs a test starts: juv's own mains, each in a JVM of its own as {@code make example} runs
 * them, and tools no one here wrote. Register one per test class with
 * {@code @RegisterExtension final Programs programs = new Programs();}: every process started
 * through it is destroyed when the test ends, and every wait is bounded by {@link #WAIT}.
 */
public final class Programs implements AfterEachCallback {

    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private final List<Process> started = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        List<Process> all;
        synchronized (started) {
            all = List.copyOf(started);
            started.clear();
        }
        for (Process p : all) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a process whose streams the caller handles; it is destroyed when the test ends. */
    public Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /**
     * The command that runs {@code main} from this class path in a JVM of its own, on the libuv this
     * JVM uses, started quickly (serial GC, C1 only), with {@code jvmOptions} before the class name.
     */
    public static List<String> javaCommand(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String libuv = System.getProperty("juv.libuv.path");
        if (libuv != null) command.add("-Djuv.libuv.path=" + libuv);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A juv main (an example) in a JVM of its own, its output read line by line. */
    public Running java(Class<?> main, String... args) throws IOException {
        return new Running(new ProcessBuilder(javaCommand(main, List.of(), args)));
    }

    /** Any program, its output read line by line. */
    public Running run(String... command) throws IOException {
        return new Running(new ProcessBuilder(command));
    }

    /** The port a server said it listens on ("... listening on HOST:PORT"). */
    public static int listeningPort(Running server) throws InterruptedException {
        Matcher m = LISTENING.matcher(server.await(l -> LISTENING.matcher(l).find(), "saying where it listens"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(2));
    }

    /** A process whose output (standard error included) is read line by line as it comes, on a thread of its own. */
    public final class Running {
        public final Process process;
        public final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Thread reader;

        Running(ProcessBuilder pb) throws IOException {
            process = start(pb.redirectErrorStream(true));
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        transcript.add(line);
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // destroyed: nothing more to read
                }
            }, "output of " + pb.command().getFirst());
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line that matches, skipping the others; fails with the transcript after {@link #WAIT}. */
        public String await(Predicate<String> wanted, String what) throws InterruptedException {
            return await(wanted, what, WAIT);
        }

        /**
         * As {@link #await(Predicate, String)}, for a program that takes longer than {@link #WAIT} to say it.
         * A program that ends without saying it fails at once (a JVM that could not start must not
         * hold a test for its whole wait).
         */
        public String await(Predicate<String> wanted, String what, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                boolean ended = !reader.isAlive(); // read before the poll: an ended reader has queued every line
                String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (line != null && wanted.test(line)) return line;
                if (line == null && ended) {
                    return fail("no line " + what + ": the program ended (exit " + process.waitFor() + "); the output was: " + transcript);
                }
            }
            return fail("no line " + what + " within " + wait.toSeconds() + " s; the output was: " + transcript);
        }

        public String awaitContaining(String text) throws InterruptedException {
            return await(l -> l.contains(text), "containing '" + text + "'");
        }

        public void write(String text) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        public void endInput() throws IOException {
            process.getOutputStream().close();
        }

        public int waitForExit() throws InterruptedException {
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> "did not exit; its output: " + transcript);
            return process.exitValue();
        }

        /** All it printed, once it has exited. */
        public String output() throws InterruptedException {
            waitForExit();
            reader.join(WAIT.toMillis());
            synchronized (transcript) {
                return String.join("\n", transcript);
            }
        }

        /** SIGINT, as Ctrl-C sends it. */
        public int interrupt() throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            return waitForExit();
        }
    }
}
