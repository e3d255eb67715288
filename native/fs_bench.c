/*
 * fs_bench: libuv's file operations on its thread pool, the C side of the juv-vs-C file
 * benchmark (FsProgram is juv's, NioFsProgram java.nio.file's on virtual threads). One loop;
 * --in-flight operations at once, each starting the next when it completes:
 *
 *   --mode read    pread-style uv_fs_read of --block bytes at successive offsets of --file,
 *                  wrapping at its end (the file is in the page cache: this measures the path,
 *                  not the disk); each slot has its own buffer
 *   --mode stat    uv_fs_stat of --file
 *   --in-flight N  operations at once (4, the pool's default size)
 *   --seconds S    timed seconds (5), after as many seconds again untimed (--warmup S)
 *
 * Prints `ops=N bytes=B seconds=T ops_per_s=.. bytes_per_s=..`.
 */
#include <string.h>

#include "common.h"

#define MAX_IN_FLIGHT 256

typedef struct {
    uv_fs_t req;
    char *buffer;
} slot_t;

static uv_loop_t *loop;
static const char *path;
static int reading;
static long block = 1 << 20;
static int in_flight = 4;
static double seconds = 5, warmup = -1;
static uv_file fd = -1;
static int64_t file_size;
static int64_t next_offset;
static slot_t slots[MAX_IN_FLIGHT];
static uint64_t start_ns, timed_ns, end_ns;
static long ops, timed_ops;
static int64_t bytes, timed_bytes;
static int running;

static void start(slot_t *s);

static void on_done(uv_fs_t *req) {
    slot_t *s = (slot_t *)req->data;
    ssize_t result = req->result;
    uv_fs_req_cleanup(req);
    running--;
    check((int)(result < 0 ? result : 0), reading ? "read" : "stat");
    uint64_t now = uv_hrtime();
    if (timed_ns == 0 && now - start_ns >= (uint64_t)(warmup * 1e9)) {
        timed_ns = now;
        timed_ops = ops;
        timed_bytes = bytes;
    }
    ops++;
    if (reading) bytes += result;
    if (timed_ns != 0 && now - timed_ns >= (uint64_t)(seconds * 1e9)) {
        if (end_ns == 0) end_ns = now;
        return; /* no new operation: the loop ends when the others are done */
    }
    start(s);
}

static void start(slot_t *s) {
    running++;
    s->req.data = s;
    if (reading) {
        if (next_offset >= file_size) next_offset = 0;
        int64_t offset = next_offset;
        next_offset += block;
        uv_buf_t buf = uv_buf_init(s->buffer, (unsigned int)block);
        check(uv_fs_read(loop, &s->req, fd, &buf, 1, offset, on_done), "uv_fs_read");
    } else {
        check(uv_fs_stat(loop, &s->req, path, on_done), "uv_fs_stat");
    }
}

int main(int argc, char **argv) {
    const char *mode = "read";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--mode")) mode = value;
        else if (!strcmp(arg, "--file")) path = value;
        else if (!strcmp(arg, "--block")) block = parse_long(arg, value, 1, 1L << 30);
        else if (!strcmp(arg, "--in-flight")) in_flight = (int)parse_long(arg, value, 1, MAX_IN_FLIGHT);
        else if (!strcmp(arg, "--seconds")) seconds = parse_seconds(arg, value);
        else if (!strcmp(arg, "--warmup")) warmup = parse_seconds(arg, value);
        else {
            fprintf(stderr, "unknown option %s; options: --mode read|stat --file F --block B --in-flight N --seconds S --warmup S\n", arg);
            return 2;
        }
        i++;
    }
    if (!path || !mode || (strcmp(mode, "read") && strcmp(mode, "stat"))) {
        fprintf(stderr, "--file F is needed, and --mode is read or stat\n");
        return 2;
    }
    if (warmup < 0) warmup = seconds;
    reading = !strcmp(mode, "read");
    loop = uv_default_loop();
    uv_fs_t req;
    check(uv_fs_stat(NULL, &req, path, NULL), "stat");
    file_size = (int64_t)req.statbuf.st_size;
    uv_fs_req_cleanup(&req);
    if (reading) {
        fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
        check(fd, "open");
        uv_fs_req_cleanup(&req);
        for (int i = 0; i < in_flight; i++) {
            slots[i].buffer = malloc((size_t)block);
            if (!slots[i].buffer) check(UV_ENOMEM, "malloc");
        }
    }
    start_ns = uv_hrtime();
    for (int i = 0; i < in_flight; i++) start(&slots[i]);
    check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
    double t = (end_ns - timed_ns) / 1e9;
    long n = ops - timed_ops;
    int64_t b = bytes - timed_bytes;
    printf("ops=%ld bytes=%lld seconds=%.3f ops_per_s=%.0f bytes_per_s=%.0f\n", n, (long long)b, t, n / t, b / t);
    if (fd >= 0) uv_fs_close(NULL, &req, fd, NULL);
    return 0;
}
