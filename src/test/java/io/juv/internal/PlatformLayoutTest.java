package io.juv.internal;

import io.juv.bindings.uv_cpu_info_s;
import io.juv.bindings.uv_cpu_times_s;
import io.juv.bindings.uv_dir_s;
import io.juv.bindings.uv_dirent_s;
import io.juv.bindings.uv_env_item_s;
import io.juv.bindings.uv_interface_address_s;
import io.juv.bindings.uv_process_options_s;
import io.juv.bindings.uv_rusage_t;
import io.juv.bindings.uv_stat_t;
import io.juv.bindings.uv_statfs_s;
import io.juv.bindings.uv_stdio_container_s;
import io.juv.bindings.uv_timespec_t;
import io.juv.bindings.uv_timeval_t;
import io.juv.bindings.uv_utsname_s;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.stream.Stream;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Platform lays libuv's public structs out from the running platform's C type widths; jextract
 * computed the bindings' layouts from uv.h on Linux x86-64. There the two must agree to the byte:
 * every field Platform names at jextract's offset and size, and the same total size. (This is the
 * one test that may use the bindings' struct classes: ArchitectureTest lets it.) On another OS the
 * bindings are wrong by design, so the test does not run.
 */
@EnabledOnOs(OS.LINUX)
class PlatformLayoutTest {

    @BeforeAll
    static void onX86() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the bindings were generated on x86-64");
    }

    static Stream<Arguments> structs() {
        return Stream.of(
                arguments("uv_timespec_t", Platform.UV_TIMESPEC, uv_timespec_t.layout()),
                arguments("uv_stat_t", Platform.UV_STAT, uv_stat_t.layout()),
                arguments("uv_statfs_t", Platform.UV_STATFS, uv_statfs_s.layout()),
                arguments("uv_dirent_t", Platform.UV_DIRENT, uv_dirent_s.layout()),
                arguments("uv_cpu_times_s", Platform.UV_CPU_TIMES, uv_cpu_times_s.layout()),
                arguments("uv_cpu_info_t", Platform.UV_CPU_INFO, uv_cpu_info_s.layout()),
                arguments("uv_interface_address_t", Platform.UV_INTERFACE_ADDRESS, uv_interface_address_s.layout()),
                arguments("uv_utsname_t", Platform.UV_UTSNAME, uv_utsname_s.layout()),
                arguments("uv_timeval_t", Platform.UV_TIMEVAL, uv_timeval_t.layout()),
                arguments("uv_rusage_t", Platform.UV_RUSAGE, uv_rusage_t.layout()),
                arguments("uv_env_item_t", Platform.UV_ENV_ITEM, uv_env_item_s.layout()),
                arguments("uv_process_options_t", Platform.UV_PROCESS_OPTIONS, uv_process_options_s.layout()),
                arguments("uv_stdio_container_t", Platform.UV_STDIO_CONTAINER, uv_stdio_container_s.layout()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("structs")
    void agreesWithJextract(String name, StructLayout platform, GroupLayout jextract) {
        assertEquals(jextract.byteSize(), platform.byteSize(), "sizeof(" + name + ")");
        assertFields(name, platform, jextract);
        // and no field of jextract's is missing from Platform's
        long named = jextract.memberLayouts().stream().filter(m -> m.name().isPresent()).count();
        assertEquals(named, platform.memberLayouts().stream().filter(m -> m.name().isPresent()).count(), name + "'s fields");
    }

    /** uv_dir_t: Platform knows only the public fields; what follows them is libuv's, per OS. */
    @Test
    void dirsPublicFieldsAgreeWithJextract() {
        assertFields("uv_dir_t", Platform.UV_DIR_PUBLIC, uv_dir_s.layout());
    }

    private static void assertFields(String name, StructLayout platform, GroupLayout jextract) {
        for (MemoryLayout field : platform.memberLayouts()) {
            if (field.name().isEmpty()) continue; // padding
            String f = field.name().get();
            assertEquals(jextract.byteOffset(groupElement(f)), platform.byteOffset(groupElement(f)), name + "." + f + "'s offset");
            assertEquals(jextract.select(groupElement(f)).byteSize(), field.byteSize(), name + "." + f + "'s size");
        }
    }
}
