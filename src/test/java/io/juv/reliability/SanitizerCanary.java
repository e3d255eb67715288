package io.juv.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Two faults that {@code make sanitize} must see inside libuv, for {@link SanitizerTest} to run
 * in a JVM of its own: uv_ip4_addr writes a sockaddr_in (16 bytes) into 4 bytes of malloc'd
 * memory (AddressSanitizer: heap-buffer-overflow), and into a misaligned address (UBSan:
 * misaligned member access). It calls libuv directly, not through juv, as juv never does either.
 */
public final class SanitizerCanary {

    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libuv = SymbolLookup.libraryLookup(Path.of(System.getProperty("juv.libuv.path")), Arena.global());
        MethodHandle ip4Addr = linker.downcallHandle(libuv.find("uv_ip4_addr").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ip = arena.allocateFrom("127.0.0.1");
            int tooSmall = (int) ip4Addr.invokeExact(ip, 80, arena.allocate(4));
            int misaligned = (int) ip4Addr.invokeExact(ip, 80, arena.allocate(64, 16).asSlice(1));
            System.out.println("canary done " + tooSmall + " " + misaligned);
        }
    }
}
