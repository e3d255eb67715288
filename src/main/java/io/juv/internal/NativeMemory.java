package io.juv.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C heap, through libc's malloc and free.
 *
 * <p>Handles and requests live in native memory that libuv may touch until their close or
 * completion callback, so their lifetime follows libuv's, not an {@link java.lang.foreign.Arena}'s.
 * Callers account for every byte through {@link LoopCore#allocate} and {@link LoopCore#free}.
 * malloc and free never call back into Java, so they are linked as critical downcalls.
 */
final class NativeMemory {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("malloc"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), Linker.Option.critical(false));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("free"),
            FunctionDescriptor.ofVoid(JAVA_LONG), Linker.Option.critical(false));

    private NativeMemory() {}

    /** The address of size bytes of uninitialised memory; throws OutOfMemoryError when malloc fails. */
    static long malloc(long size) {
        long p;
        try {
            p = (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (p == 0) throw new OutOfMemoryError("juv: malloc(" + size + ") failed");
        return p;
    }

    static void free(long p) {
        try {
            FREE.invokeExact(p);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
