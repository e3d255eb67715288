package io.juv.internal;

import io.juv.bindings.uv_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads libuv once per process and checks its version.
 *
 * <p>The generated bindings look symbols up in the libraries loaded by their class loader, so
 * loading here with {@link System#load} is what makes every {@code uv_h} call work. The file
 * is named by the system property {@value #PATH_PROPERTY}, or found by its per-OS name.
 */
public final class LibUv {

    public static final String PATH_PROPERTY = "juv.libuv.path";
    /** 1.44.0, the oldest libuv juv is built and tested against. */
    public static final int MIN_VERSION = (1 << 16) | (44 << 8);

    private static volatile String loadedFrom;
    private static volatile boolean nativeAccessChecked;

    private LibUv() {}

    /** Loads libuv if it is not loaded yet; throws {@link UnsatisfiedLinkError} saying what to install. */
    public static void load() {
        if (loadedFrom != null) return;
        synchronized (LibUv.class) {
            if (loadedFrom != null) return;
            checkNativeAccess();
            String explicit = System.getProperty(PATH_PROPERTY);
            String from;
            if (explicit != null && !explicit.isBlank()) {
                try {
                    System.load(Path.of(explicit).toAbsolutePath().toString());
                } catch (UnsatisfiedLinkError e) {
                    throw new UnsatisfiedLinkError("juv: cannot load libuv from " + PATH_PROPERTY + "="
                            + explicit + ": " + e.getMessage());
                }
                from = explicit;
            } else {
                from = loadFromStandardPlaces();
            }
            int version = uv_h.uv_version();
            if (version < MIN_VERSION) {
                throw new UnsatisfiedLinkError("juv: libuv " + versionString()
                        + " at " + from + " is too old; " + Platform.installHint());
            }
            loadedFrom = from;
        }
    }

    /**
     * Says once, through the {@link System.Logger} {@code io.juv} (WARNING), when the JVM has not granted
     * juv's module native access, and names the exact flag: {@code --enable-native-access=io.juv} when
     * juv is the named module {@code io.juv}, {@code --enable-native-access=ALL-UNNAMED} on the class path.
     *
     * <p>The JDK warns by itself at a module's first restricted call ({@code System.load},
     * {@code downcallHandle}, {@code reinterpret} ...), and no library can keep it from doing so: only
     * the command line, {@code JDK_JAVA_OPTIONS}, an executable jar's {@code Enable-Native-Access}
     * manifest attribute or a {@code ModuleLayer.Controller} that the application itself creates can grant
     * native access. So this runs before juv's first restricted call: from {@link #load} before libuv is
     * loaded, and from {@link Platform}'s initializer, since Platform makes restricted calls of its own and
     * can be used before libuv is loaded ({@code Signal.number()}, say). Under
     * {@code --illegal-native-access=deny} the first restricted call then fails; the message still says
     * what to add.
     */
    static void checkNativeAccess() {
        if (nativeAccessChecked) return;
        synchronized (LibUv.class) {
            if (nativeAccessChecked) return;
            nativeAccessChecked = true;
        }
        Module module = LibUv.class.getModule();
        if (module.isNativeAccessEnabled()) return;
        String flag = "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
        System.getLogger("io.juv").log(System.Logger.Level.WARNING, "juv: native access is not enabled for "
                + (module.isNamed() ? "module " + module.getName() : "the class path (juv is not loaded as a module)")
                + ", and juv calls libuv through restricted methods of java.lang.foreign: add " + flag
                + " to the java command line" + (module.isNamed() ? "" : " (in an executable jar's manifest: Enable-Native-Access: ALL-UNNAMED)")
                + ". Until then the JDK warns at juv's first restricted call, or refuses it under"
                + " --illegal-native-access=deny, as later JDKs will by default.");
    }

    private static String loadFromStandardPlaces() {
        List<Path> candidates = Platform.libuvCandidates();
        UnsatisfiedLinkError last = null;
        for (Path p : candidates) {
            try {
                System.load(p.toString());
                return p.toString();
            } catch (UnsatisfiedLinkError e) {
                last = e;
            }
        }
        if (Platform.OS == Platform.Os.WINDOWS) {
            try {
                System.loadLibrary("uv");
                return "uv.dll";
            } catch (UnsatisfiedLinkError e) {
                last = e;
            }
        }
        throw new UnsatisfiedLinkError("juv: libuv not found (" + Platform.installHint()
                + ", or name the file with -D" + PATH_PROPERTY + "=/path/to/libuv)"
                + (last == null ? "" : "; last error: " + last.getMessage()));
    }

    /** The version of the loaded libuv, such as "1.44.2". */
    public static String versionString() {
        return uv_h.uv_version_string().reinterpret(64).getString(0);
    }

    /** Where libuv was loaded from. */
    public static String loadedFrom() {
        load();
        return loadedFrom;
    }

    /**
     * A function of a newer libuv than the bindings were generated from, when the loaded
     * libuv has it. This is how juv detects later features at run time instead of assuming them.
     */
    static Optional<MethodHandle> optional(String name, FunctionDescriptor descriptor) {
        load();
        Optional<MemorySegment> symbol = SymbolLookup.loaderLookup().find(name);
        return symbol.map(s -> Linker.nativeLinker().downcallHandle(s, descriptor));
    }
}
