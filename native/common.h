/*
 * Shared by juv's C benchmark programs: the seed server's response and strict option parsing.
 * Header-only so that each program stays one translation unit and one compiler command.
 *
 * Portable C99 against libuv's headers, nothing of one OS: they build with gcc or clang on Linux
 * and macOS and with MSVC or MinGW on Windows (README: "The C programs on macOS and Windows").
 * Where Windows differs it is guarded here: no SIGPIPE, and a 32-bit long (so no limit is 1L << 40).
 */
#ifndef JUV_NATIVE_COMMON_H
#define JUV_NATIVE_COMMON_H

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

/* A peer that resets before our write lands must cost an EPIPE, not the process (the JVM ignores
 * SIGPIPE too). Windows has no SIGPIPE: a write there fails with an error and nothing else. */
static inline void ignore_sigpipe(void) {
#ifdef SIGPIPE
    signal(SIGPIPE, SIG_IGN);
#endif
}

/* Byte for byte io.juv.tools.SeedServer.RESPONSE: juv and C servers must be indistinguishable
 * on the wire, and the load clients judge a reply by its length. */
static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\nDate: Wed, 03 Oct 2012 23:43:10 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 9\r\n\r\nomglolwtf";
#define RESPONSE_LEN (sizeof RESPONSE - 1)

/* A uv_buf_t over constant data: libuv never writes through a write buffer, the cast only
 * satisfies uv_buf_init's historical char* parameter. */
static inline uv_buf_t const_buf(const char *data, size_t len) {
    return uv_buf_init((char *)data, (unsigned int)len);
}

/* Benchmarks must not run with a silently misread option, so a bad number ends the program. */
static inline long parse_long(const char *option, const char *text, long min, long max) {
    char *end;
    errno = 0;
    long value = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || value < min || value > max) {
        fprintf(stderr, "%s needs a whole number from %ld to %ld, not '%s'\n",
                option, min, max, text ? text : "");
        exit(2);
    }
    return value;
}

static inline double parse_seconds(const char *option, const char *text) {
    char *end;
    errno = 0;
    double value = text ? strtod(text, &end) : 0;
    if (!text || errno || end == text || *end || !(value > 0)) {
        fprintf(stderr, "%s needs a positive number of seconds, not '%s'\n", option, text ? text : "");
        exit(2);
    }
    return value;
}

/* A libuv call that fails during setup leaves nothing to benchmark: say which and stop. */
static inline void check(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: %s (%s)\n", what, uv_strerror(rc), uv_err_name(rc));
        exit(1);
    }
}

/* IPv4 or IPv6 literal, as juv's listen() takes them. */
static inline int parse_address(const char *host, int port, struct sockaddr_storage *out) {
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)out) == 0) return 0;
    return uv_ip6_addr(host, port, (struct sockaddr_in6 *)out);
}

#endif
