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

    /** A program with its arguments and every default: environment and working directory inherited, descriptors ignored. */
    public static ProcessOptions of(String... command) {
        return builder(command).build();
    }

    /**
     * Starts options for {@code command}: the program (a path, or a name looked up in the PATH
     * of the child's environment) and its arguments; it is also the child's argv[0].
     */
    public static Builder builder(String... command) {
        return builder(java.util.Arrays.asList(Objects.requireNonNull(command, "command")));
    }

    public static Builder builder(List<String> command) {
        Objects.requireNonNull(command, "command");
        for (int i = 0; i < command.size(); i++) Objects.requireNonNull(command.get(i), "command[" + i + "]");
        return new Builder(List.copyOf(command));
    }

    public List<String> command() { return command; }
    public EnvironmentMode environmentMode() { return environmentMode; }
    /** The variables given (all of them for REPLACE, the additions for EXTEND, none for INHERIT). */
    public Map<String, String> environment() { return environment; }
    /** The child's working directory, or null for this process's. */
    public String directory() { return directory; }
    public OptionalInt uid() { return uid < 0 ? OptionalInt.empty() : OptionalInt.of(uid); }
    public OptionalInt gid() { return gid < 0 ? OptionalInt.empty() : OptionalInt.of(gid); }
    public boolean detached() { return detached; }
    /** What each child descriptor is, from 0: at least stdin, stdout and stderr. */
    public List<Stdio> stdio() { return stdio; }

    @Override
    public String toString() {
        return "ProcessOptions" + command;
    }

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

        /** The child gets only these variables. */
        public Builder environment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            environmentMode = EnvironmentMode.REPLACE;
            environment.clear();
            variables.forEach(this::put);
            return this;
        }

        /** Adds (or overrides) one variable: onto this process's environment, unless {@link #environment(Map)} replaced it. */
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

        public Builder directory(String directory) {
            this.directory = directory == null ? null : noNul(directory, "the directory");
            return this;
        }

        public Builder directory(Path directory) {
            return directory(directory == null ? null : directory.toString());
        }

        /** Runs the child as this user (setuid): allowed only where this process may (root, say); else spawn fails with PERMISSION_DENIED. Not on Windows. */
        public Builder uid(int uid) {
            if (uid < 0) throw new IllegalArgumentException("juv: a uid is not negative: " + uid);
            this.uid = uid;
            return this;
        }

        /** Runs the child in this group (setgid); as {@link #uid}. */
        public Builder gid(int gid) {
            if (gid < 0) throw new IllegalArgumentException("juv: a gid is not negative: " + gid);
            this.gid = gid;
            return this;
        }

        /**
         * The child leads a process group and session of its own (UV_PROCESS_DETACHED): a signal
         * to this process's group does not reach it, and it may outlive this process. To let this
         * loop end while it runs, {@link Process#unref()} it as well.
         */
        public Builder detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        public Builder stdin(Stdio stdio) { return stdio(0, stdio); }
        public Builder stdout(Stdio stdio) { return stdio(1, stdio); }
        public Builder stderr(Stdio stdio) { return stdio(2, stdio); }

        /** What the child's descriptor {@code fd} is; descriptors above 2 left out are not opened in the child. */
        public Builder stdio(int fd, Stdio stdio) {
            Objects.requireNonNull(stdio, "stdio");
            if (fd < 0 || fd > 1023) throw new IllegalArgumentException("juv: not a child descriptor to set: " + fd);
            while (this.stdio.size() <= fd) this.stdio.add(null);
            this.stdio.set(fd, stdio);
            return this;
        }

        public ProcessOptions build() {
            return new ProcessOptions(this);
        }
    }
}
