package io.juv.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Three faults that {@code make sanitize} must see inside libuv, for {@link SanitizerTest} to run
 * in a JVM of its own, each a misuse juv must never commit: uv_ip4_addr writes a sockaddr_in (16
 * bytes) into 4 bytes of malloc'd memory (AddressSanitizer: heap-buffer-overflow) and into a
 * misaligned address (UBSan: misaligned member access); and the file name an fs_event callback
 * was given, which points into uv__inotify_read's stack, is handed back to libuv after the callback
 * returned (AddressSanitizer with detect_stack_use_after_return: stack-use-after-return). It calls
 * libuv directly, not through juv.
 */
public final class SanitizerCanary {

    private static final Linker LINKER = Linker.nativeLinker();
    private static SymbolLookup libuv;
    private static MemorySegment keptName = MemorySegment.NULL;

    public static void main(String[] args) throws Throwable {
        libuv = SymbolLookup.libraryLookup(Path.of(System.getProperty("juv.libuv.path")), Arena.global());
        MethodHandle ip4Addr = uv("uv_ip4_addr", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ip = arena.allocateFrom("127.0.0.1");
            int tooSmall = (int) ip4Addr.invokeExact(ip, 80, arena.allocate(4));
            int misaligned = (int) ip4Addr.invokeExact(ip, 80, arena.allocate(64, 16).asSlice(1));
            System.out.println("ip4 canaries done " + tooSmall + " " + misaligned);
            fileNameKeptPastItsCallback(arena, Path.of(args[0]));
        }
    }

    private static void fileNameKeptPastItsCallback(Arena arena, Path dir) throws Throwable {
        long loopSize = (long) uv("uv_loop_size", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        MemorySegment loop = arena.allocate(loopSize, 16);
        MemorySegment handle = arena.allocate(4096, 16); // larger than uv_fs_event_t on any platform
        check((int) uv("uv_loop_init", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invokeExact(loop), "uv_loop_init");
        check((int) uv("uv_fs_event_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)).invokeExact(loop, handle), "uv_fs_event_init");
        MemorySegment cb = LINKER.upcallStub(MethodHandles.lookup().findStatic(SanitizerCanary.class, "onEvent",
                MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class, int.class, int.class)),
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT), arena);
        check((int) uv("uv_fs_event_start", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT))
                .invokeExact(handle, cb, arena.allocateFrom(dir.toString()), 0), "uv_fs_event_start");
        Files.writeString(dir.resolve("canary"), "x");
        MethodHandle run = uv("uv_run", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        for (int i = 0; i < 500 && keptName.equals(MemorySegment.NULL); i++) {
            int alive = (int) run.invokeExact(loop, 2); // UV_RUN_NOWAIT
            Thread.sleep(10);
        }
        if (keptName.equals(MemorySegment.NULL)) throw new AssertionError("no fs_event callback");
        // The callback has returned and its file name's memory with it; handed back to libuv, which reads it
        // in instrumented code. (Java's own reads of native memory are not instrumented: ASan sees only
        // libuv's accesses and the libc calls it intercepts.)
        int n = (int) uv("uv_ip4_addr", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS))
                .invokeExact(keptName, 80, arena.allocate(16, 4));
        System.out.println("fs_event canary done " + n);
    }

    private static void onEvent(MemorySegment handle, MemorySegment name, int events, int status) {
        keptName = name; // kept past the callback: the bug juv must never have
    }

    private static MethodHandle uv(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(libuv.find(name).orElseThrow(), fd);
    }

    private static void check(int rc, String what) {
        if (rc != 0) throw new AssertionError(what + " returned " + rc);
    }
}
