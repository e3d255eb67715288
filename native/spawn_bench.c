/*
 * spawn_bench: spawns /bin/true over and over with libuv, keeping K children in flight, the C side
 * of juv's spawn-rate benchmark (io.juv.bench.SpawnProgram is the same program on juv). Each exit
 * spawns the next child; exits in the measured window are counted, those of the warm-up before it
 * are not, and once the window ends no more are spawned and the loop ends with the last exit.
 *
 *   --inflight K   children at once (8)
 *   --warmup S     seconds not measured (1)
 *   --seconds S    seconds measured (5)
 *
 * Prints `processes=N seconds=T rate=R` (exits per second) and exits 1 if a child failed.
 */
#include <string.h>

#include "common.h"

static uv_loop_t *loop;
static uv_process_options_t options;
#ifdef _WIN32
/* No /bin/true: cmd's exit is the smallest program every Windows has (the figure is not /bin/true's). */
static char *args[] = {"cmd.exe", "/c", "exit 0", NULL};
#else
static char *args[] = {"/bin/true", NULL};
#endif
static uint64_t measure_start, measure_end;
static long counted, failures;

static void on_close(uv_handle_t *handle) {
    free(handle);
}

static void spawn_one(void);

static void on_child_exit(uv_process_t *process, int64_t status, int signal) {
    uint64_t now = uv_hrtime();
    if (status != 0 || signal != 0) failures++;
    if (now >= measure_start && now < measure_end) counted++;
    uv_close((uv_handle_t *)process, on_close);
    if (now < measure_end) spawn_one();
}

static void spawn_one(void) {
    uv_process_t *process = malloc(sizeof *process);
    if (!process) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    int rc = uv_spawn(loop, process, &options);
    if (rc < 0) {
        /* uv_spawn initialised the handle before it failed: it is closed, not just freed. */
        fprintf(stderr, "uv_spawn: %s (%s)\n", uv_strerror(rc), uv_err_name(rc));
        failures++;
        uv_close((uv_handle_t *)process, on_close);
    }
}

int main(int argc, char **argv) {
    long inflight = 8;
    double warmup = 1, seconds = 5;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--inflight")) {
            inflight = parse_long(argv[i], value, 1, 10000);
        } else if (!strcmp(argv[i], "--warmup")) {
            warmup = strcmp(value ? value : "", "0") ? parse_seconds(argv[i], value) : 0;
        } else if (!strcmp(argv[i], "--seconds")) {
            seconds = parse_seconds(argv[i], value);
        } else {
            fprintf(stderr, "unknown option %s; options: --inflight K --warmup S --seconds S\n", argv[i]);
            return 2;
        }
        i++;
    }

    loop = uv_default_loop();
    options.file = args[0];
    options.args = args;
    options.exit_cb = on_child_exit; /* stdio_count 0: the child's 0, 1 and 2 are /dev/null */

    uint64_t start = uv_hrtime();
    measure_start = start + (uint64_t)(warmup * 1e9);
    measure_end = measure_start + (uint64_t)(seconds * 1e9);
    for (long i = 0; i < inflight; i++) spawn_one();
    uv_run(loop, UV_RUN_DEFAULT);

    check(uv_loop_close(loop), "uv_loop_close");
    printf("processes=%ld seconds=%.3f rate=%.0f\n", counted, seconds, counted / seconds);
    if (failures) {
        fprintf(stderr, "%ld children failed\n", failures);
        return 1;
    }
    return 0;
}
