package io.juv;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.juv.bindings.uv_h;
import io.juv.bindings.uv_stat_t;
import io.juv.internal.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * juv's portability promise as a check: what is true on Linux x86-64 only stays in
 * {@link Platform}. The jextract bindings ({@code io.juv.bindings}) were generated there, so
 * their struct layouts and most of their constants are Linux's; code that uses them elsewhere
 * compiles everywhere and reads the wrong bytes off Linux. Three rules, over the compiled
 * library (target/classes), examples, benchmarks and tests (target/test-classes):
 * <ol>
 *   <li><b>Struct layouts live in Platform.</b> Nothing but Platform uses a generated struct,
 *       union or typedef class ({@code uv_stat_t}, {@code uv_dir_s}, {@code sockaddr_in} ...; every
 *       binding class but the function holder {@code uv_h} and the callback types), reads one of
 *       {@code uv_h}'s layout fields ({@code C_LONG}, {@code uv_os_sock_t} ...), or asks the linker
 *       for C's type widths to lay a struct out by hand.</li>
 *   <li><b>Linux's constants live in Platform.</b> Outside Platform the library, examples and
 *       benchmarks use only the constants of {@code uv_h} that libuv fixes itself on every
 *       platform ({@link #portable}); errno-based error codes, open flags and the like are Linux's
 *       numbers (libuv names errors at run time, uv_err_name; signal numbers come from the JVM).</li>
 *   <li><b>Only io.juv.internal touches the bindings.</b> The public packages, the examples and
 *       the benchmarks go through io.juv.internal.</li>
 * </ol>
 * Tests may call {@code uv_h} to check libuv itself (uv_kill to send a signal, the header's
 * UV_FS_O_* values against Platform's on Linux), so rules 2 and 3 leave them out; rule 1 holds for
 * them too, but for {@code io.juv.internal.PlatformLayoutTest}, which checks Platform's layouts
 * against jextract's, and this class, whose fixtures break every rule on purpose (the class
 * itself names binding classes by string only). Each violation is reported with its class, member
 * and line.
 * {@link #eachRuleFailsOnItsViolation} proves each rule can fail, on {@link Violations}.
 */
class ArchitectureTest {

    private static final String BINDINGS = "io.juv.bindings";
    private static final String HOLDER = BINDINGS + ".uv_h";
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private static JavaClasses all;

    @BeforeAll
    static void importClasses() {
        // The rules need juv's own classes only (the bindings among them); a class they merely
        // call (the JDK's) is known by its name. Resolving those too took most of the time.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        all = new ClassFileImporter().importPaths(ROOT.resolve("target/classes"), ROOT.resolve("target/test-classes"));
    }

    @AfterAll
    static void resetConfiguration() {
        ArchConfiguration.get().reset();
    }

    // ------------------------------------------------------------------ what is where

    enum Part { BINDINGS, LIBRARY, EXAMPLE, BENCHMARK, TEST }

    /** Which part of the project a class is compiled from: by its class file's directory and its source file. */
    static Part part(JavaClass c) {
        if (c.getPackageName().equals(BINDINGS)) return Part.BINDINGS;
        String uri = c.getSource().map(s -> s.getUri().toString()).orElse("");
        if (uri.contains("/target/classes/")) return Part.LIBRARY;
        if (c.getPackageName().contains("jmh_generated")) return Part.BENCHMARK; // JMH's generated harness
        String file = c.getSource().flatMap(Source::getFileName).orElse("?");
        Path relative = Path.of(c.getPackageName().replace('.', '/'), file);
        if (Files.exists(ROOT.resolve("src/examples/java").resolve(relative))) return Part.EXAMPLE;
        if (Files.exists(ROOT.resolve("src/jmh/java").resolve(relative))) return Part.BENCHMARK;
        return Part.TEST;
    }

    private static boolean isPlatform(JavaClass c) {
        return c.getName().equals(Platform.class.getName()) || c.getName().startsWith(Platform.class.getName() + "$");
    }

    /** The classes below, which break each rule on purpose: checked by the self-test only. */
    private static boolean isFixture(JavaClass c) {
        return c.getName().startsWith(Violations.class.getName());
    }

    /** The function and constant holder: uv_h, its shared base uv_h$shared and its nested helper classes. */
    static boolean isHolder(JavaClass c) {
        return c.getName().equals(HOLDER) || c.getName().startsWith(HOLDER + "$");
    }

    /** A callback type (uv_close_cb ...): jextract gives it a descriptor() and a nested Function interface. */
    static boolean isCallback(JavaClass c) {
        boolean descriptor = c.getMethods().stream()
                .anyMatch(m -> m.getName().equals("descriptor") && m.getRawParameterTypes().isEmpty());
        return descriptor || c.getEnclosingClass().map(ArchitectureTest::isCallback).orElse(false);
    }

    /** Everything else in the bindings is a struct, union or typedef: a layout computed on Linux x86-64. */
    static boolean isLayout(JavaClass c) {
        return c.getPackageName().equals(BINDINGS) && !isHolder(c) && !isCallback(c);
    }

    // ------------------------------------------------------------------ rule 2's list

    /**
     * The constants of uv.h that libuv defines once, outside any per-platform branch, so their
     * values are the same everywhere: its enums (handle, request and fs types, run modes, poll,
     * fs-event, tty, dirent, udp, process and stdio flags) and the flag macros beside them, and the
     * error codes it numbers itself (UV_EOF, UV_UNKNOWN, the getaddrinfo codes UV_EAI_*, UV_ERRNO_MAX).
     * Not portable, so Platform's business: every other UV_E* (uv/errno.h makes it -errno on Unix,
     * where errno differs between Linux and macOS, and its own number on Windows; even UV_EFTYPE
     * and UV_ECHARSET are errno where the OS has one), UV_FS_O_* (the C library's O_*), UV__DT_*
     * (dirent.h's DT_*), UV_IF_NAMESIZE and UV_MAXHOSTNAMESIZE (from the OS's headers),
     * UV_PRIORITY_* (other values on IBM i), UV_ONCE_INIT (pthread's), uv.h's private UV__* names,
     * and UV_VERSION_* (the header's version, 1.44.2, not the loaded libuv's: uv_version() tells
     * that). A constant not named here is not portable until someone decides it is: a regenerated
     * binding's new constant fails this test rather than being assumed.
     */
    static boolean portable(String name) {
        if (name.startsWith("UV_FS_O_")) return false;
        for (String prefix : PORTABLE_PREFIXES) if (name.startsWith(prefix)) return true;
        return PORTABLE.contains(name);
    }

    private static final List<String> PORTABLE_PREFIXES = List.of(
            "UV_FS_",        // uv_fs_type, UV_FS_EVENT/UV_FS_POLL, uv_fs_event_flags, UV_FS_COPYFILE_*, UV_FS_SYMLINK_*
            "UV_DIRENT_", "UV_RUN_", "UV_TTY_", "UV_UDP_", "UV_PROCESS_", "UV_THREAD_", "UV_EAI_");

    private static final Set<String> PORTABLE = Set.of(
            // uv_handle_type
            "UV_UNKNOWN_HANDLE", "UV_ASYNC", "UV_CHECK", "UV_HANDLE", "UV_IDLE", "UV_NAMED_PIPE", "UV_POLL",
            "UV_PREPARE", "UV_PROCESS", "UV_STREAM", "UV_TCP", "UV_TIMER", "UV_TTY", "UV_UDP", "UV_SIGNAL", "UV_FILE",
            "UV_HANDLE_TYPE_MAX",
            // uv_req_type
            "UV_UNKNOWN_REQ", "UV_REQ", "UV_CONNECT", "UV_WRITE", "UV_SHUTDOWN", "UV_FS", "UV_WORK",
            "UV_GETADDRINFO", "UV_GETNAMEINFO", "UV_RANDOM", "UV_REQ_TYPE_MAX",
            // uv_poll_event, uv_fs_event, uv_tcp_flags, uv_membership, uv_stdio_flags, uv_loop_option
            "UV_READABLE", "UV_WRITABLE", "UV_DISCONNECT", "UV_PRIORITIZED", "UV_RENAME", "UV_CHANGE",
            "UV_TCP_IPV6ONLY", "UV_JOIN_GROUP", "UV_LEAVE_GROUP", "UV_IGNORE", "UV_CREATE_PIPE", "UV_INHERIT_FD",
            "UV_INHERIT_STREAM", "UV_READABLE_PIPE", "UV_WRITABLE_PIPE", "UV_NONBLOCK_PIPE", "UV_OVERLAPPED_PIPE",
            "UV_LOOP_BLOCK_SIGNAL", "UV_METRICS_IDLE_TIME",
            // the error codes libuv numbers itself on every platform
            "UV_EOF", "UV_UNKNOWN", "UV_ERRNO_MAX");

    // ------------------------------------------------------------------ the rules

    /** Rule 1: no generated struct layout, no uv_h layout field and no hand-made C layout outside Platform. */
    static ArchRule structLayoutsOnlyInPlatform(DescribedPredicate<JavaClass> governed) {
        ArchCondition<JavaClass> condition = new ArchCondition<>("use no struct layout of the bindings (Platform lays structs out per OS)") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    if (isLayout(d.getTargetClass())) {
                        events.add(SimpleConditionEvent.violated(d, "struct layout of Linux x86-64: " + d.getDescription()));
                    }
                }
                for (JavaAccess<?> a : c.getAccessesFromSelf()) {
                    if (a instanceof JavaFieldAccess && isHolder(a.getTargetOwner())) {
                        events.add(SimpleConditionEvent.violated(a, "C type layout of Linux x86-64: " + a.getDescription()));
                    }
                    if (a.getTargetOwner().getName().equals(Linker.class.getName()) && a.getTarget().getName().equals("canonicalLayouts")) {
                        events.add(SimpleConditionEvent.violated(a, "C type widths outside Platform: " + a.getDescription()));
                    }
                }
            }
        };
        return classes().that(governed).should(condition);
    }

    /** Rule 2: no constant of uv_h outside the portable ones, outside Platform. */
    static ArchRule linuxConstantsOnlyInPlatform(DescribedPredicate<JavaClass> governed) {
        ArchCondition<JavaClass> condition = new ArchCondition<>("use only uv_h's portable constants (Platform has the per-OS values)") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaAccess<?> a : c.getAccessesFromSelf()) {
                    String name = a.getTarget().getName();
                    if (isHolder(a.getTargetOwner()) && name.startsWith("UV_") && !portable(name)) {
                        events.add(SimpleConditionEvent.violated(a, "Linux's value of " + name + ": " + a.getDescription()));
                    }
                }
            }
        };
        return classes().that(governed).should(condition);
    }

    /** Rule 3: nothing touches io.juv.bindings. */
    static ArchRule bindingsOnlyInInternal(DescribedPredicate<JavaClass> governed) {
        ArchCondition<JavaClass> condition = new ArchCondition<>("not touch io.juv.bindings (io.juv.internal does)") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    if (d.getTargetClass().getPackageName().equals(BINDINGS)) {
                        events.add(SimpleConditionEvent.violated(d, "bindings outside io.juv.internal: " + d.getDescription()));
                    }
                }
            }
        };
        return classes().that(governed).should(condition);
    }

    private static DescribedPredicate<JavaClass> where(String description, Predicate<JavaClass> p) {
        return DescribedPredicate.describe(description, p::test);
    }

    // ------------------------------------------------------------------ the checks

    @Test
    void theImportSeesEveryPart() {
        Set<Part> parts = all.stream().map(ArchitectureTest::part).collect(Collectors.toSet());
        assertEquals(Set.of(Part.values()), parts, "target/classes and target/test-classes hold every part of juv");
        assertEquals(Part.LIBRARY, part(all.get(Platform.class)));
        assertEquals(Part.EXAMPLE, part(all.get("io.juv.examples.SeedServer")));
        assertEquals(Part.BENCHMARK, part(all.get("io.juv.jmh.DowncallBench")));
        assertEquals(Part.TEST, part(all.get(ArchitectureTest.class)));
        assertTrue(isLayout(all.get(BINDINGS + ".uv_stat_t")) && isLayout(all.get("io.juv.bindings.uv_dirent_t"))
                && isLayout(all.get("io.juv.bindings.uv_stdio_container_s$data")) && isLayout(all.get("io.juv.bindings.sockaddr_in")));
        assertFalse(isLayout(all.get(HOLDER)) || isLayout(all.get("io.juv.bindings.uv_h$shared"))
                || isLayout(all.get("io.juv.bindings.uv_close_cb")) || isLayout(all.get("io.juv.bindings.uv_close_cb$Function")));
    }

    /** Every name on rule 2's list is a constant of uv_h: a misspelt name would allow nothing and hide nothing. */
    @Test
    void thePortableListNamesRealConstants() {
        Set<String> methods = all.get(HOLDER).getAllMethods().stream().map(m -> m.getName()).collect(Collectors.toSet());
        for (String name : PORTABLE) assertTrue(methods.contains(name), name + " is no constant of uv_h");
        for (String prefix : PORTABLE_PREFIXES) {
            assertTrue(methods.stream().anyMatch(m -> m.startsWith(prefix)), "no constant of uv_h starts with " + prefix);
        }
    }

    @Test
    void structLayoutsAreUsedInPlatformOnly() {
        structLayoutsOnlyInPlatform(where("are not Platform, the bindings, PlatformLayoutTest or this test's fixtures",
                c -> part(c) != Part.BINDINGS && !isPlatform(c) && !isFixture(c)
                        && !c.getName().startsWith("io.juv.internal.PlatformLayoutTest"))).check(all);
    }

    @Test
    void linuxConstantsAreUsedInPlatformOnly() {
        linuxConstantsOnlyInPlatform(where("are in the library (but Platform), the examples or the benchmarks",
                c -> (part(c) == Part.LIBRARY && !isPlatform(c)) || part(c) == Part.EXAMPLE || part(c) == Part.BENCHMARK))
                .check(all);
    }

    @Test
    void onlyTheInternalPackageTouchesTheBindings() {
        bindingsOnlyInInternal(where("are in the library outside io.juv.internal, the examples or the benchmarks",
                c -> (part(c) == Part.LIBRARY && !c.getPackageName().equals("io.juv.internal"))
                        || part(c) == Part.EXAMPLE || part(c) == Part.BENCHMARK)).check(all);
    }

    /** Each rule, given the fixtures below, reports exactly their violations, by class and member. */
    @Test
    void eachRuleFailsOnItsViolation() {
        DescribedPredicate<JavaClass> fixtures = where("are the fixtures", ArchitectureTest::isFixture);

        String structs = report(structLayoutsOnlyInPlatform(fixtures));
        assertTrue(structs.contains("Violations.structField(") && structs.contains("uv_stat_t.st_size("), structs);
        assertTrue(structs.contains("Violations.cTypeLayout(") && structs.contains("uv_h.C_LONG"), structs);
        assertTrue(structs.contains("Violations.handMadeLayout(") && structs.contains("canonicalLayouts"), structs);
        assertFalse(structs.contains("portableConstant") || structs.contains("linuxConstant"), structs);

        String constants = report(linuxConstantsOnlyInPlatform(fixtures));
        assertTrue(constants.contains("Violations.linuxConstant(") && constants.contains("uv_h.UV_ECONNRESET()"), constants);
        assertFalse(constants.contains("UV_RUN_DEFAULT") || constants.contains("structField"), constants);

        String bindings = report(bindingsOnlyInInternal(fixtures));
        for (String member : List.of("structField(", "cTypeLayout(", "linuxConstant(", "portableConstant(")) {
            assertTrue(bindings.contains("Violations." + member), member + " in " + bindings);
        }
        assertFalse(bindings.contains("handMadeLayout"), bindings);
    }

    private static String report(ArchRule rule) {
        EvaluationResult result = rule.evaluate(all);
        assertTrue(result.hasViolation(), "the rule found nothing: " + rule.getDescription());
        return String.join("\n", result.getFailureReport().getDetails());
    }

    /** One break of each rule, never run: what {@link #eachRuleFailsOnItsViolation} expects to be told. */
    @SuppressWarnings("unused")
    static final class Violations {
        static long structField(MemorySegment stat) { return uv_stat_t.st_size(stat); }       // rules 1 and 3
        static Object cTypeLayout() { return uv_h.C_LONG; }                                     // rules 1 and 3
        static Object handMadeLayout() { return Linker.nativeLinker().canonicalLayouts(); }     // rule 1
        static int linuxConstant() { return uv_h.UV_ECONNRESET(); }                             // rules 2 and 3
        static int portableConstant() { return uv_h.UV_RUN_DEFAULT(); }                         // rule 3 only
    }
}
