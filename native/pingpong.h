/*
 * Shared by the ping-pong echo programs (echo_bench over TCP, udp_echo_bench over UDP): their
 * command line, their message, their read buffer and their result line, so that the two measure
 * and report the same way and differ only in the echo itself. Header-only, like common.h.
 *
 *   --size S       bytes per message (64)
 *   --messages M   how many (200000)
 *
 * The result: `messages=M bytes=B seconds=T msgs_per_s=.. bytes_per_s=..` (B = M * S, one way).
 */
#ifndef JUV_NATIVE_PINGPONG_H
#define JUV_NATIVE_PINGPONG_H

#include <string.h>

#include "common.h"

static char *message;
static size_t size = 64;
static long messages = 200000;
static long done;
static uint64_t start_ns, end_ns;
static int failed;

/* Single-threaded, and each read is consumed before the next one: one buffer serves both sides. */
static char read_buffer[64 * 1024];

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
    (void)handle;
    (void)suggested;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

/* Reads --size (at most max_size) and --messages, and makes the message. */
static void pingpong_options(int argc, char **argv, long max_size) {
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--size")) size = (size_t)parse_long(arg, value, 1, max_size);
        else if (!strcmp(arg, "--messages")) messages = parse_long(arg, value, 1, LONG_MAX);
        else {
            fprintf(stderr, "unknown option %s; options: --size S --messages M\n", arg);
            exit(2);
        }
        i++;
    }
    message = malloc(size);
    if (!message) exit(1);
    memset(message, 'x', size);
}

/* After uv_run: the result line, or what went wrong; the exit status. `what` names a message ("datagrams"). */
static int pingpong_report(const char *what) {
    free(message);
    if (failed || done != messages) {
        fprintf(stderr, "only %ld of %ld %s echoed\n", done, messages, what);
        return 1;
    }
    double seconds = (double)(end_ns - start_ns) / 1e9;
    unsigned long long bytes = (unsigned long long)messages * size;
    printf("messages=%ld bytes=%llu seconds=%.3f msgs_per_s=%.0f bytes_per_s=%.0f\n",
           messages, bytes, seconds, messages / seconds, bytes / seconds);
    return 0;
}

#endif
