package io.juv.examples.jar;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The examples jar's Main-Class ({@code make examples-jar}): {@code java -jar target/juv-examples.jar
 * <name> [args]} runs the example of that name, as {@code make example NAME=<name> ARGS='...'} does,
 * and with no name lists them. A name is the class's name in kebab case (echo -> Echo, pipe-echo ->
 * PipeEcho); the examples are the classes of {@code io.juv.examples} that have a static main, found
 * in the jar (or directory) this class was loaded from, so a new example needs no entry here.
 *
 * <p>The jar's manifest says {@code Enable-Native-Access: ALL-UNNAMED}: {@code java -jar} then grants
 * the class path native access, with no flag and no warning.
 */
public final class Main {

    private static final String PACKAGE = "io.juv.examples";

    private Main() {}

    public static void main(String[] args) throws Throwable {
        TreeMap<String, Class<?>> examples = examples();
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage(args.length == 0 ? System.err : System.out, examples);
            if (args.length == 0) System.exit(2);
            return;
        }
        Class<?> example = examples.get(args[0]);
        if (example == null) {
            System.err.println("no example '" + args[0] + "'");
            usage(System.err, examples);
            System.exit(2);
        }
        MethodHandle main = MethodHandles.publicLookup()
                .findStatic(example, "main", MethodType.methodType(void.class, String[].class));
        // invokeExact: the example's own exceptions and exit codes, not a reflective wrapper.
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));
    }

    private static void usage(PrintStream out, TreeMap<String, Class<?>> examples) {
        out.println("usage: java -jar juv-examples.jar <example> [args]   (README.md, \"The examples\", says what each does)");
        out.println("examples:");
        for (String name : examples.keySet()) out.println("  " + name);
    }

    /** The examples by name, sorted: the public classes of io.juv.examples with a public static main(String[]). */
    static TreeMap<String, Class<?>> examples() throws IOException, URISyntaxException {
        TreeMap<String, Class<?>> byName = new TreeMap<>();
        for (String className : classesOf(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
            Class<?> c;
            try {
                c = Class.forName(className, false, Main.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (!Modifier.isPublic(c.getModifiers()) || !hasMain(c)) continue;
            byName.put(kebab(c.getSimpleName()), c);
        }
        return byName;
    }

    private static boolean hasMain(Class<?> c) {
        try {
            Method m = c.getMethod("main", String[].class);
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == void.class;
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    /** The top-level classes directly in io.juv.examples, in a jar or a class directory. */
    private static List<String> classesOf(Path where) throws IOException {
        String dir = PACKAGE.replace('.', '/') + "/";
        List<String> entries = new ArrayList<>();
        if (Files.isDirectory(where)) {
            Path pkg = where.resolve(dir);
            if (Files.isDirectory(pkg)) {
                try (Stream<Path> files = Files.list(pkg)) {
                    files.forEach(f -> entries.add(dir + f.getFileName()));
                }
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                jar.stream().forEach(e -> entries.add(e.getName()));
            }
        }
        List<String> classes = new ArrayList<>();
        for (String e : entries) {
            if (!e.startsWith(dir) || !e.endsWith(".class") || e.indexOf('$') >= 0) continue;
            String simple = e.substring(dir.length(), e.length() - ".class".length());
            if (simple.indexOf('/') < 0) classes.add(PACKAGE + "." + simple);
        }
        return classes;
    }

    /** EchoServer -> echo-server, as the Makefile's `make example` names them. */
    static String kebab(String simpleName) {
        return simpleName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
