package io.juv.internal;

import io.juv.bindings.uv_env_item_s;
import io.juv.bindings.uv_process_options_s;
import io.juv.bindings.uv_stdio_container_s;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * uv_spawn's arguments as libuv lays them out: uv_process_options_t and uv_stdio_container_t are
 * public structs of uv.h, so their jextract layouts are libuv's own. They live in the caller's
 * confined arena for the one call: uv_spawn has exec'd the child (or failed to) when it returns.
 *
 * <p><b>Windows.</b> The bindings are generated on Linux, where {@code uv_uid_t}/{@code uv_gid_t}
 * are uid_t/gid_t (32-bit ints). On Windows uv.h makes them {@code unsigned char}, so the last two
 * fields are one byte each there; the fields before them have the same offsets and the struct's
 * size is the same (64 bytes, padded to 8). juv writes uid and gid only when one is asked for,
 * which Windows' libuv refuses (UV_ENOTSUP) without reading them: so the arena's zeroes are all
 * Windows ever sees there. {@code stdio_count} is an int and {@code flags} an unsigned
 * int everywhere.
 */
public final class Spawning {

    private Spawning() {}

    /** One child descriptor: {@code flags} are UV_IGNORE / UV_INHERIT_FD / UV_CREATE_PIPE|..., {@code fdOrStream} the fd or uv_stream_t*. */
    public record Container(int flags, long fdOrStream) {}

    public static MemorySegment options(Arena arena, List<String> command, List<String> environment, String cwd,
                                        int flags, int uid, int gid, List<Container> stdio) {
        MemorySegment o = uv_process_options_s.allocate(arena); // zeroed: NULL env and cwd, no flags
        uv_process_options_s.exit_cb(o, MemorySegment.ofAddress(Upcalls.EXIT));
        uv_process_options_s.file(o, arena.allocateFrom(command.getFirst()));
        uv_process_options_s.args(o, strings(arena, command));
        if (environment != null) uv_process_options_s.env(o, strings(arena, environment));
        if (cwd != null) uv_process_options_s.cwd(o, arena.allocateFrom(cwd));
        uv_process_options_s.flags(o, flags);
        if ((flags & Uv.PROCESS_SETUID) != 0) uv_process_options_s.uid(o, uid);
        if ((flags & Uv.PROCESS_SETGID) != 0) uv_process_options_s.gid(o, gid);
        MemorySegment containers = uv_stdio_container_s.allocateArray(stdio.size(), arena);
        for (int i = 0; i < stdio.size(); i++) {
            MemorySegment c = uv_stdio_container_s.asSlice(containers, i);
            Container want = stdio.get(i);
            uv_stdio_container_s.flags(c, want.flags());
            MemorySegment data = uv_stdio_container_s.data(c);
            if ((want.flags() & Uv.STDIO_CREATE_PIPE) != 0) {
                uv_stdio_container_s.data.stream(data, MemorySegment.ofAddress(want.fdOrStream()));
            } else {
                uv_stdio_container_s.data.fd(data, (int) want.fdOrStream());
            }
        }
        uv_process_options_s.stdio_count(o, stdio.size());
        uv_process_options_s.stdio(o, containers);
        return o;
    }

    /** A NULL-terminated char*[] of UTF-8 strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        return array;
    }

    /**
     * The process's environment as it is now, from libuv (so uv_os_setenv's changes are in it,
     * which Java's System.getenv snapshot misses), in its order.
     */
    public static Map<String, String> environment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment items = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            Errors.check(Uv.osEnviron(items, count));
            int n = count.get(ValueLayout.JAVA_INT, 0);
            MemorySegment array = items.get(ValueLayout.ADDRESS, 0).reinterpret(n * uv_env_item_s.sizeof());
            try {
                Map<String, String> env = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    MemorySegment item = uv_env_item_s.asSlice(array, i);
                    env.put(Errors.cString(uv_env_item_s.name(item)), Errors.cString(uv_env_item_s.value(item)));
                }
                return env;
            } finally {
                Uv.osFreeEnviron(array, n);
            }
        }
    }
}
