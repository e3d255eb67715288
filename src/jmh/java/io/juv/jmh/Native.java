package io.juv.jmh;

import io.juv.EventLoop;
import io.juv.internal.HandleBase;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;

/** What the benchmarks reach past juv's API for: the shim's C functions, a loop's or a handle's address. */
final class Native {

    private Native() {}

    static {
        // Jni loads libjuvbench.so; its plain C functions are then visible to the loader lookup.
        Jni.load();
    }

    static MethodHandle shim(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol(name), descriptor, options);
    }

    static MemorySegment symbol(String name) {
        return SymbolLookup.loaderLookup().findOrThrow(name);
    }

    static MemorySegment loopOf(EventLoop loop) {
        try {
            Field core = EventLoop.class.getDeclaredField("core");
            core.setAccessible(true);
            Object c = core.get(loop);
            return MemorySegment.ofAddress((long) c.getClass().getField("loop").get(c));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static MemorySegment handleOf(HandleBase handle) {
        try {
            Field f = HandleBase.class.getDeclaredField("handle");
            f.setAccessible(true);
            return MemorySegment.ofAddress((long) f.get(handle));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
