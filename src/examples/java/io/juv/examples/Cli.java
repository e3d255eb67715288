package io.juv.examples;

import io.juv.EventLoop;
import io.juv.UvException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * How every example and benchmark tool runs its command line (picocli), so that they all behave
 * alike: {@code --help} prints the usage, each option with its meaning and default, and exits 0;
 * {@code --version} prints juv's and libuv's versions; a bad option or value prints one line
 * saying what is wrong and a hint, and exits 2 (the status the hand-written parsers used), never
 * with a stack trace; what the system refuses (a {@link UvException}: a port in use) is one line too,
 * and exit status 1. A tool is a picocli {@code @Command} whose {@code call()} returns its exit
 * status; its {@code main} is {@code Cli.runAndExit(new Tool(), args)}.
 */
public final class Cli {

    private Cli() {}

    /** The exit status of a bad command line. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    /** The exit status of a tool whose work the system refused (a {@link UvException} out of its {@code call()}). */
    public static final int REFUSED = CommandLine.ExitCode.SOFTWARE;

    /** Parses {@code args} into {@code command}, runs it and exits the JVM with its status. */
    public static void runAndExit(Object command, String[] args) {
        runAndExit(of(command), args);
    }

    /** As {@link #runAndExit(Object, String[])}, for a command line configured further (see {@link #of}). */
    public static void runAndExit(CommandLine commandLine, String[] args) {
        System.exit(commandLine.execute(args));
    }

    /**
     * The command line of {@code command}, with the standard options and the error handling every tool
     * shares; {@code execute(args)} parses, runs and returns the exit status without exiting (tests use that).
     */
    public static CommandLine of(Object command) {
        CommandLine cl = new CommandLine(command);
        CommandSpec spec = cl.getCommandSpec();
        spec.mixinStandardHelpOptions(true);
        spec.versionProvider(Cli::version);
        // The options in the order the tool declares them: the order its Javadoc lists them in.
        spec.usageMessage().sortOptions(false);
        // A repeated option: the last one wins, as with the hand-written parsers (picocli refuses it by default).
        cl.setOverwrittenOptionsAllowed(true);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((e, args) -> badUsage(e.getCommandLine(), e.getMessage(), e));
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof UsageError u) return badUsage(commandLine, u.getMessage(), null);
            // What the system refused (a port in use, a file that is not there): libuv's code and words are
            // what the user needs, and exit status 1, not a stack trace.
            if (e instanceof UvException u) return refused(commandLine, u);
            throw e; // a failure of the tool itself: its stack trace is what its author needs
        });
        return cl;
    }

    /**
     * An error in the command line that only the tool can see (a value out of range, options that do
     * not go together), to be thrown from its {@code call()}: reported like picocli's own, with exit status 2.
     */
    public static RuntimeException usage(String message) {
        return new UsageError(message);
    }

    private static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private static int badUsage(CommandLine cl, String message, ParameterException e) {
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandName() + ": " + message);
        // "Did you mean --port?" for a misspelt option.
        if (e != null) UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run it with --help for its options.");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int refused(CommandLine cl, UvException e) {
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandName() + ": " + e.getMessage());
        err.flush();
        return REFUSED;
    }

    private static String[] version() {
        Package p = EventLoop.class.getPackage();
        String juv = p == null || p.getImplementationVersion() == null ? "(built from source)" : p.getImplementationVersion();
        String libuv;
        try {
            libuv = EventLoop.libuvVersion();
        } catch (RuntimeException | LinkageError e) {
            libuv = "not loaded (" + e.getMessage() + ")";
        }
        return new String[] {"juv " + juv, "libuv " + libuv, "Java " + Runtime.version()};
    }
}
