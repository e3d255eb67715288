package io.juv.net;

import io.juv.EventLoop;
import io.juv.internal.Platform;
import io.juv.internal.Uv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A pipe's name, checked before any handle exists: a path (a Unix domain socket; a named pipe such
 * as {@code \\.\pipe\name} on Windows), or on Linux an abstract name, one that starts with a NUL
 * byte and has no file. libuv would silently cut a name too long for sockaddr_un short, and bind
 * or connect to another path than the one asked for, so juv refuses it instead.
 */
record PipeName(String name, byte[] bytes, boolean isAbstract) {

    static PipeName of(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) throw new IllegalArgumentException("juv: an empty pipe name");
        boolean isAbstract = name.charAt(0) == '\0';
        if (name.indexOf('\0', 1) >= 0) throw new IllegalArgumentException("juv: a NUL byte inside a pipe name");
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int length = isAbstract ? bytes.length - 1 : bytes.length;
        if (isAbstract && length == 0) throw new IllegalArgumentException("juv: an abstract pipe name needs a byte after its NUL");
        if (length > Platform.PIPE_NAME_MAX) {
            throw new IllegalArgumentException("juv: pipe name too long: " + length + " bytes, at most "
                    + Platform.PIPE_NAME_MAX + " on " + Platform.OS);
        }
        if (isAbstract) {
            if (!Platform.ABSTRACT_SOCKET_NAMES) {
                throw new UnsupportedOperationException("juv: abstract socket names (starting with NUL) exist on Linux only");
            }
            if (!Uv.hasPipeNamesWithLength()) {
                throw new UnsupportedOperationException("juv: abstract socket names need libuv 1.46 or newer "
                        + "(uv_pipe_bind2, uv_pipe_connect2); this is libuv " + EventLoop.libuvVersion());
            }
        }
        return new PipeName(name, bytes, isAbstract);
    }

    /** The name for libuv: NUL-terminated for the calls without a length, exactly its bytes for the ones with. */
    MemorySegment in(Arena arena) {
        return isAbstract ? arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes) : arena.allocateFrom(name);
    }

    @Override
    public String toString() {
        return isAbstract ? "@" + name.substring(1) : name;
    }
}
