package io.juv.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What to run and how: the program and its arguments, its environment, working directory,
 * user and group, whether it is detached, and what each of its descriptors is. Immutable; made
 * with {@link #builder(String...)}.
 *
 * <pre>{@code
 * ProcessOptions ls = ProcessOptions.builder("ls", "-l", "/")
 *         .stdout(Stdio.pipe((pipe, data) -> ...))
 *         .stderr(Stdio.inherit())
 *         .build();
 * }</pre>
 */
public final class ProcessOptions {

    /** How the child's environment is made from this process's. */
    public enum EnvironmentMode {
        /** This process's environment, as it is when the child is spawned. */
        INHERIT,
        /** Only the variables given. */
        REPLACE,
        /** This process's environment with the variables given added or overriding. */
        EXTEND
    }

    private final List<String> command;
    private final EnvironmentMode environmentMode;
    private final Map<String, String> environment;
    private final String directory;
    private final int uid, gid;
    private final boolean detached;
    private final List<Stdio> stdio;

    private ProcessOptions(Builder b) {
        this.command = List.copyOf(b.command);
        this.environmentMode = b.environmentMode;
        this.environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.directory = b.directory;
        this.uid = b.uid;
        this.gid = b.gid;
        this.detached = b.detached;
        List<Stdio> s = new ArrayList<>(b.stdio);
        while (s.size() > 3 && s.getLast() == null) s.removeLast();
        s.replaceAll(x -> x == null ? Stdio.ignore() : x);
        this.stdio = List.copyOf(s);
    }

    /**
     * {@return a program with its arguments and every default} Environment and working directory
     * inherited, descriptors ignored: {@code builder(command).build()}.
     *
     * @param command the program and its arguments, as {@link #builder(String...)} takes them
     * @throws IllegalArgumentException as {@link #builder(String...)}
     */
    public static ProcessOptions of(String... command) {
        return builder(command).build();
    }

    /**
     * Starts options for {@code command}: the program (a path, or a name looked up in the PATH
     * of the child's environment) and its arguments; it is also the child's argv[0].
     *
     * @param command the program, then its arguments
     * @return a builder with every default: environment and working directory inherited,
     *         descriptors ignored, not detached
     * @throws IllegalArgumentException for no program, an empty program name, or a NUL character
     *         in any part (C would end the string there)
     */
    public static Builder builder(String... command) {
        return builder(java.util.Arrays.asList(Objects.requireNonNull(command, "command")));
    }

    /**
     * Starts options for {@code command}, as {@link #builder(String...)} does.
     *
     * @param command the program, then its arguments (copied)
     * @return a builder with every default
     * @throws IllegalArgumentException as {@link #builder(String...)}
     */
    public static Builder builder(List<String> command) {
        Objects.requireNonNull(command, "command");
        for (int i = 0; i < command.size(); i++) Objects.requireNonNull(command.get(i), "command[" + i + "]");
        return new Builder(List.copyOf(command));
    }

    /** {@return the program and its arguments (unmodifiable)} */
    public List<String> command() { return command; }
    /** {@return how the child's environment is made} */
    public EnvironmentMode environmentMode() { return environmentMode; }
    /** {@return the variables given (unmodifiable)} All of them for REPLACE, the additions for EXTEND, none for INHERIT. */
    public Map<String, String> environment() { return environment; }
    /** {@return the child's working directory, or null for this process's} */
    public String directory() { return directory; }
    /** {@return the user the child runs as, if one was set} */
    public OptionalInt uid() { return uid < 0 ? OptionalInt.empty() : OptionalInt.of(uid); }
    /** {@return the group the child runs in, if one was set} */
    public OptionalInt gid() { return gid < 0 ? OptionalInt.empty() : OptionalInt.of(gid); }
    /** {@return whether the child leads a process group and session of its own} See {@link Builder#detached(boolean)}. */
    public boolean detached() { return detached; }
    /** {@return what each child descriptor is, from 0 (unmodifiable)} At least stdin, stdout and stderr. */
    public List<Stdio> stdio() { return stdio; }

    @Override
    public String toString() {
        return "ProcessOptions" + command;
    }

    /**
     * Collects the options; {@link #build()} makes them. Not thread-safe: one thread builds.
     * Each setter returns this builder.
     */
    public static final class Builder {
        private final List<String> command;
        private EnvironmentMode environmentMode = EnvironmentMode.INHERIT;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String directory;
        private int uid = -1, gid = -1;
        private boolean detached;
        private final List<Stdio> stdio = new ArrayList<>(List.of(Stdio.ignore(), Stdio.ignore(), Stdio.ignore()));

        private Builder(List<String> command) {
            if (command.isEmpty()) throw new IllegalArgumentException("juv: no program to run");
            for (String part : command) noNul(part, "an argument");
            if (command.getFirst().isEmpty()) throw new IllegalArgumentException("juv: the program's name is empty");
            this.command = command;
        }

        private static String noNul(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("juv: " + what + " holds a NUL character: " + s);
            return s;
        }

        /**
         * The child gets only these variables (REPLACE); later {@link #environment(String, String)}
         * calls add to them.
         *
         * @param variables names to values (copied)
         * @return this builder
         * @throws IllegalArgumentException for an empty name, a name with '=', or a NUL character
         */
        public Builder environment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            environmentMode = EnvironmentMode.REPLACE;
            environment.clear();
            variables.forEach(this::put);
            return this;
        }

        /**
         * Adds (or overrides) one variable: onto this process's environment (EXTEND), unless
         * {@link #environment(Map)} replaced it.
         *
         * @param name  the variable's name
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException for an empty name, a name with '=', or a NUL character
         */
        public Builder environment(String name, String value) {
            if (environmentMode == EnvironmentMode.INHERIT) environmentMode = EnvironmentMode.EXTEND;
            put(name, value);
            return this;
        }

        private void put(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            noNul(name, "a variable's name");
            noNul(value, "a variable's value");
            if (name.isEmpty() || name.indexOf('=') >= 0) throw new IllegalArgumentException("juv: not a variable name: '" + name + "'");
            environment.put(name, value);
        }

        /**
         * The child's working directory; a directory that does not exist fails the spawn with
         * {@link io.juv.ErrorKind#NOT_FOUND}.
         *
         * @param directory the directory, or null for this process's
         * @return this builder
         * @throws IllegalArgumentException for a NUL character in it
         */
        public Builder directory(String directory) {
            this.directory = directory == null ? null : noNul(directory, "the directory");
            return this;
        }

        /**
         * The child's working directory, as {@link #directory(String)}.
         *
         * @param directory the directory, or null for this process's
         * @return this builder
         */
        public Builder directory(Path directory) {
            return directory(directory == null ? null : directory.toString());
        }

        /**
         * Runs the child as this user (setuid): allowed only where this process may (root, say);
         * else spawn fails with PERMISSION_DENIED. Not on Windows.
         *
         * @param uid the user id
         * @return this builder
         * @throws IllegalArgumentException if {@code uid} is negative
         */
        public Builder uid(int uid) {
            if (uid < 0) throw new IllegalArgumentException("juv: a uid is not negative: " + uid);
            this.uid = uid;
            return this;
        }

        /**
         * Runs the child in this group (setgid); as {@link #uid}.
         *
         * @param gid the group id
         * @return this builder
         * @throws IllegalArgumentException if {@code gid} is negative
         */
        public Builder gid(int gid) {
            if (gid < 0) throw new IllegalArgumentException("juv: a gid is not negative: " + gid);
            this.gid = gid;
            return this;
        }

        /**
         * The child leads a process group and session of its own (UV_PROCESS_DETACHED): a signal
         * to this process's group does not reach it, and it may outlive this process. To let this
         * loop end while it runs, {@link Process#unref()} it as well.
         *
         * @param detached whether the child is detached (default false)
         * @return this builder
         */
        public Builder detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        /**
         * What the child's stdin is: {@code stdio(0, stdio)}.
         *
         * @param stdio what descriptor 0 is (default {@link Stdio#ignore()})
         * @return this builder
         */
        public Builder stdin(Stdio stdio) { return stdio(0, stdio); }
        /**
         * What the child's stdout is: {@code stdio(1, stdio)}.
         *
         * @param stdio what descriptor 1 is (default {@link Stdio#ignore()})
         * @return this builder
         */
        public Builder stdout(Stdio stdio) { return stdio(1, stdio); }
        /**
         * What the child's stderr is: {@code stdio(2, stdio)}.
         *
         * @param stdio what descriptor 2 is (default {@link Stdio#ignore()})
         * @return this builder
         */
        public Builder stderr(Stdio stdio) { return stdio(2, stdio); }

        /**
         * What the child's descriptor {@code fd} is. Descriptors above 2 that are left out are not
         * opened in the child, and one left out below the highest set is {@link Stdio#ignore()}.
         *
         * @param fd    the child's descriptor, 0 to 1023
         * @param stdio what it is
         * @return this builder
         * @throws IllegalArgumentException for a descriptor outside 0 to 1023
         */
        public Builder stdio(int fd, Stdio stdio) {
            Objects.requireNonNull(stdio, "stdio");
            if (fd < 0 || fd > 1023) throw new IllegalArgumentException("juv: not a child descriptor to set: " + fd);
            while (this.stdio.size() <= fd) this.stdio.add(null);
            this.stdio.set(fd, stdio);
            return this;
        }

        /** {@return the options as set so far} The builder may go on to make others. */
        public ProcessOptions build() {
            return new ProcessOptions(this);
        }
    }
}
