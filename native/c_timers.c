/*
 * timer_bench: schedules and fires N libuv timers on one loop the way a C program would, the
 * C side of juv's timer throughput benchmark.
 *
 *   --timers N   how many (1000000)
 *
 * Prints `timers=N seconds=T rate=R` (timers per second) and exits 1 if not all of them fired.
 */
#include <string.h>

#include "common.h"

static long fired;

static void on_timer(uv_timer_t *timer) {
    fired++;
    uv_close((uv_handle_t *)timer, NULL);
}

int main(int argc, char **argv) {
    long n = 1000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--timers")) {
            n = parse_long(argv[i], i + 1 < argc ? argv[i + 1] : NULL, 1, LONG_MAX);
            i++;
        } else {
            fprintf(stderr, "unknown option %s; options: --timers N\n", argv[i]);
            return 2;
        }
    }

    /* One array for all handles: C pays no allocation per timer, which is the point of
     * comparison with a runtime that must allocate each one. */
    uv_timer_t *timers = malloc((size_t)n * sizeof *timers);
    if (!timers) {
        fprintf(stderr, "cannot allocate %ld timers\n", n);
        return 1;
    }
    uv_loop_t *loop = uv_default_loop();

    uint64_t start = uv_hrtime();
    for (long i = 0; i < n; i++) {
        uv_timer_init(loop, &timers[i]);
        /* Ten distinct due times, so the timer heap holds real work, not one bucket. */
        uv_timer_start(&timers[i], on_timer, (uint64_t)(i % 10), 0);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    double seconds = (double)(uv_hrtime() - start) / 1e9;

    uv_loop_close(loop);
    free(timers);
    printf("timers=%ld seconds=%.3f rate=%.0f\n", n, seconds, n / seconds);
    if (fired != n) {
        fprintf(stderr, "only %ld of %ld timers fired\n", fired, n);
        return 1;
    }
    return 0;
}
