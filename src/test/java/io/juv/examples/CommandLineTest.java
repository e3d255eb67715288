package io.juv.examples;

import io.juv.Programs;
import io.juv.Programs.Running;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command lines of the examples and tools ({@link Cli}, picocli): {@code --help} prints every
 * option with its meaning and default and exits 0; a bad option, a bad value or a value the tool
 * refuses prints one line and a hint, exits 2, and never a stack trace. In-process through
 * {@link Cli#of}, and for a few tools as the programs they are, through their {@code main}.
 */
@Timeout(120)
class CommandLineTest {

    @RegisterExtension
    final Programs programs = new Programs();

    // ------------------------------------------------------------------ Cli, in-process

    @Command(name = "t", description = "a test command")
    static final class TestCommand implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE})")
        int port = 7;
        @Option(names = "--flag", description = "a flag")
        boolean flag;
        int ran;

        @Override
        public Integer call() {
            if (port < 0) throw Cli.usage("--port must not be negative: " + port);
            ran++;
            return 5;
        }
    }

    /** A command line run in-process: its exit status and what it printed to each stream. */
    record Result(int status, String out, String err) {}

    private static Result execute(Object command, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Cli.of(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    private static void assertNoStackTrace(String text) {
        assertFalse(text.contains("Exception") || text.contains("\tat "), () -> "a stack trace: " + text);
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndRunsNothing() {
        TestCommand t = new TestCommand();
        Result r = execute(t, "--help");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.startsWith("Usage: t "), r.out);
        for (String s : List.of("--port=N", "port (default: 7)", "--flag", "a flag", "-h, --help", "-V, --version")) {
            assertTrue(r.out.contains(s), () -> "'" + s + "' in: " + r.out);
        }
        assertEquals("", r.err);
        assertEquals(0, t.ran);
    }

    @Test
    void anUnknownOptionIsOneLineAndAHint() {
        TestCommand t = new TestCommand();
        Result r = execute(t, "--prot", "9");
        assertEquals(Cli.USAGE, r.status);
        List<String> lines = r.err.lines().toList();
        // picocli names what it could not match: the option, and the value that came with it.
        assertTrue(lines.getFirst().startsWith("t: Unknown options: '--prot', '9'"), r.err);
        assertEquals("Run it with --help for its options.", lines.getLast());
        assertNoStackTrace(r.err);
        assertEquals("", r.out);
        assertEquals(0, t.ran);
    }

    @Test
    void aBadValueSaysWhichOptionAndWhy() {
        Result r = execute(new TestCommand(), "--port", "seven");
        assertEquals(Cli.USAGE, r.status);
        assertTrue(r.err.startsWith("t: Invalid value for option '--port': 'seven' is not an int"), r.err);
        assertNoStackTrace(r.err);
    }

    @Test
    void aValueTheCommandRefusesIsAUsageErrorToo() {
        TestCommand t = new TestCommand();
        Result r = execute(t, "--port", "-1");
        assertEquals(Cli.USAGE, r.status);
        assertEquals(List.of("t: --port must not be negative: -1", "Run it with --help for its options."), r.err.lines().toList());
        assertEquals(0, t.ran);
    }

    @Test
    void theLastOfARepeatedOptionWinsAsBefore() {
        TestCommand t = new TestCommand();
        Result r = execute(t, "--port", "1", "--flag", "--port", "9", "--flag");
        assertEquals(5, r.status, r.err);
        assertEquals(9, t.port);
        assertTrue(t.flag);
        assertEquals(1, t.ran);
    }

    @Test
    void versionNamesJuvLibuvAndJava() {
        Result r = execute(new TestCommand(), "--version");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("juv ") && r.out.contains("libuv 1.") && r.out.contains("Java "), r.out);
    }

    // ------------------------------------------------------------------ every tool's --help

    /** Every example and tool whose command is a class of its own (the rest are run as programs below). */
    private static final List<String> TOOLS = List.of(
            "io.juv.examples.Echo", "io.juv.examples.UdpEcho", "io.juv.examples.Chat", "io.juv.examples.SeedServer",
            "io.juv.examples.LoadClient", "io.juv.examples.ChaosClient", "io.juv.examples.PipeEcho", "io.juv.examples.TlsEcho",
            "io.juv.examples.TlsGet", "io.juv.examples.Copy", "io.juv.examples.Dns", "io.juv.examples.Spawn",
            "io.juv.examples.Sysinfo", "io.juv.examples.Tail", "io.juv.examples.Watch", "io.juv.examples.Work",
            "io.juv.bench.Ffi", "io.juv.bench.AllocReport", "io.juv.bench.FsProgram", "io.juv.bench.NioFsProgram",
            "io.juv.bench.SpawnProgram", "io.juv.bench.TlsEchoClient", "io.juv.bench.TlsEchoServer",
            "io.juv.bench.peers.NettyTlsEchoServer");

    /** The tool's picocli command: the class itself, or its nested command class. */
    private static Object command(String className) throws Exception {
        Class<?> c = Class.forName(className);
        Class<?> command = c.isAnnotationPresent(Command.class) ? c : null;
        for (Class<?> nested : c.getDeclaredClasses()) if (command == null && nested.isAnnotationPresent(Command.class)) command = nested;
        assertNotNull(command, className + " has no @Command");
        Constructor<?> make = command.getDeclaredConstructor();
        make.setAccessible(true);
        return make.newInstance();
    }

    @Test
    void everyToolsHelpGivesEachOptionItsMeaningAndDefault() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            Object command = command(tool);
            Result r = execute(command, "--help");
            assertEquals(0, r.status, () -> tool + ": " + r.err);
            assertTrue(r.out.startsWith("Usage: "), () -> tool + ": " + r.out);
            assertTrue(r.out.contains("--help"), () -> tool + ": " + r.out);
            CommandSpec spec = Cli.of(command).getCommandSpec();
            assertTrue(spec.usageMessage().description().length > 0, tool + " says what it does");
            for (OptionSpec o : spec.options()) {
                if (o.usageHelp() || o.versionHelp()) continue;
                String text = String.join(" ", o.description());
                if (text.isBlank()) missing.add(tool + " " + o.longestName() + ": no description");
                // An option that takes a value and has one when not given says what it is.
                boolean hasDefault = o.arity().max() > 0 && !o.required() && o.initialValue() != null;
                if (hasDefault && !text.contains("default")) missing.add(tool + " " + o.longestName() + ": no default in " + text);
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (String.join(" ", p.description()).isBlank()) missing.add(tool + " " + p.paramLabel() + ": no description");
            }
        }
        assertEquals(List.of(), missing);
    }

    // ------------------------------------------------------------------ as programs

    /** The tool run as {@code make example} (or the benchmark) runs it: its exit status and all it printed. */
    private Result run(Class<?> main, String... args) throws Exception {
        Running p = programs.java(main, args);
        String output = p.output();
        return new Result(p.process.exitValue(), output, output);
    }

    @Test
    void programsAnswerHelp() throws Exception {
        Result echo = run(Echo.class, "--help");
        assertEquals(0, echo.status, echo.out);
        assertTrue(echo.out.contains("Usage: echo") && echo.out.contains("--port=N") && echo.out.contains("default: 7000"), echo.out);
        // PingPong's command line, named and described by each program.
        Result ping = run(io.juv.bench.EchoProgram.class, "--help");
        assertEquals(0, ping.status, ping.out);
        assertTrue(ping.out.contains("Usage: EchoProgram") && ping.out.contains("native/c_echo.c") && ping.out.contains("default: 64"), ping.out);
        // The peers' shared options (Peer), with the Netty transport's added.
        Result nio = run(io.juv.bench.peers.NioServer.class, "--help");
        assertEquals(0, nio.status, nio.out);
        assertTrue(nio.out.contains("Usage: nio") && nio.out.contains("--keep-alive") && nio.out.contains("default: 9009"), nio.out);
    }

    @Test
    void programsRefuseBadCommandLinesWithStatusTwoAndNoStackTrace() throws Exception {
        record Case(Class<?> main, List<String> args, String says) {}
        List<Case> cases = List.of(
                new Case(Echo.class, List.of("--bogus"), "echo: Unknown option: '--bogus'"),
                new Case(SeedServer.class, List.of("--port", "nine"), "seed-server: Invalid value for option '--port': 'nine' is not an int"),
                new Case(SeedServer.class, List.of("--loops", "0"), "seed-server: --loops must be at least 1: 0"),
                new Case(Spawn.class, List.of(), "spawn: Missing required parameter: 'PROGRAM [ARGUMENT...]'"),
                new Case(io.juv.bench.peers.NioServer.class, List.of("--delay", "-5"), "nio: --delay must be >= 0: -5"),
                new Case(io.juv.bench.FsProgram.class, List.of("--mode", "read"), "FsProgram: Missing required option: '--file=F'"));
        for (Case c : cases) {
            Result r = run(c.main, c.args.toArray(String[]::new));
            assertEquals(Cli.USAGE, r.status, () -> c + ": " + r.out);
            assertTrue(r.out.contains(c.says), () -> c + ": " + r.out);
            assertTrue(r.out.contains("Run it with --help for its options."), () -> c + ": " + r.out);
            assertNoStackTrace(r.out);
        }
    }

    @Test
    void aPortInUseIsOneLineNamingTheAddressAndStatusOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            for (Class<?> server : List.of(SeedServer.class, Echo.class, Chat.class)) {
                Result r = run(server, "--host", "127.0.0.1", "--port", port);
                assertEquals(Cli.REFUSED, r.status, () -> server.getSimpleName() + ": " + r.out);
                assertTrue(r.out.contains(": EADDRINUSE: address already in use (listening on 127.0.0.1:" + port + ")"),
                        () -> server.getSimpleName() + ": " + r.out);
                assertNoStackTrace(r.out);
            }
        }
    }
}
