package io.juv.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * uv_spawn's arguments: uv_process_options_t and its uv_stdio_container_t array, filled through
 * {@link Platform}, which lays them out per OS (uv_uid_t and uv_gid_t are one byte each on
 * Windows). They live in the caller's confined arena for the one call: uv_spawn has exec'd the
 * child (or failed to) when it returns.
 */
public final class Spawning {

    private Spawning() {}

    /** One child descriptor: {@code flags} are UV_IGNORE / UV_INHERIT_FD / UV_CREATE_PIPE|..., {@code fdOrStream} the fd or uv_stream_t*. */
    public record Container(int flags, long fdOrStream) {}

    public static MemorySegment options(Arena arena, List<String> command, List<String> environment, String cwd,
                                        int flags, int uid, int gid, List<Container> stdio) {
        MemorySegment o = Platform.allocateProcessOptions(arena); // zeroed: NULL env and cwd, no flags
        Platform.processExitCb(o, Upcalls.EXIT);
        Platform.processFile(o, arena.allocateFrom(command.getFirst()));
        Platform.processArgs(o, strings(arena, command));
        if (environment != null) Platform.processEnv(o, strings(arena, environment));
        if (cwd != null) Platform.processCwd(o, arena.allocateFrom(cwd));
        Platform.processFlags(o, flags);
        if ((flags & Uv.PROCESS_SETUID) != 0) Platform.processUid(o, uid);
        if ((flags & Uv.PROCESS_SETGID) != 0) Platform.processGid(o, gid);
        MemorySegment containers = Platform.allocateStdioContainers(arena, stdio.size());
        for (int i = 0; i < stdio.size(); i++) {
            Container want = stdio.get(i);
            if ((want.flags() & Uv.STDIO_CREATE_PIPE) != 0) {
                Platform.stdioStream(containers, i, want.flags(), want.fdOrStream());
            } else {
                Platform.stdioFd(containers, i, want.flags(), (int) want.fdOrStream());
            }
        }
        Platform.processStdio(o, containers, stdio.size());
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
            MemorySegment array = items.get(ValueLayout.ADDRESS, 0).reinterpret(n * Platform.ENV_ITEM_SIZE);
            try {
                Map<String, String> env = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    long item = array.address() + i * Platform.ENV_ITEM_SIZE;
                    env.put(Errors.cString(MemorySegment.ofAddress(Platform.envItemName(item))),
                            Errors.cString(MemorySegment.ofAddress(Platform.envItemValue(item))));
                }
                return env;
            } finally {
                Uv.osFreeEnviron(array, n);
            }
        }
    }
}
