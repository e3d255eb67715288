/*
 * seed_server: the C reference for juv's seed server (io.juv.tools.SeedServer), written as a
 * plain single-threaded libuv program. Same options, same bytes on the wire, same moments of
 * closing, so that juv-vs-C figures (rate, RSS per held connection) compare the runtimes only.
 *
 *   --host ADDR   bind address (0.0.0.0)      --delay MS    wait before answering (5000)
 *   --port N      port (9009; 0 picks one)    --keep-alive  answer every request at once
 *   --backlog N   listen backlog (4096)
 *
 * Delay mode (cl-async's tcp-server-test): the first data of a connection starts a timer; when
 * it fires the response is written and the socket closed once the write completed.
 * Keep-alive mode: every request (ending in an empty line) is answered at once; never closes.
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "common.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* Responses to pipelined requests go out in one writev of at most this many copies. */
#define MAX_BATCH 64

/* Held connections are what this server is measured on, so each carries only what its mode
 * needs. The uv_tcp_t comes first: the stream libuv hands to callbacks is the connection. */
typedef struct {
    uv_tcp_t tcp;
    uv_timer_t timer;             /* initialised on the first data only */
    unsigned char timer_started;  /* also: the request has been seen, later data is ignored */
    unsigned char open_handles;   /* freed when the last of tcp and timer has closed */
} delayed_conn;

typedef struct {
    uv_tcp_t tcp;
    unsigned char matched;        /* how much of "\r\n\r\n" the previous reads ended with */
} keepalive_conn;

static uv_loop_t *loop;
static uv_tcp_t listener;
static uv_signal_t sigint;
static int keep_alive;
static uint64_t delay_ms = 5000;
static unsigned long long finished;

/* Single-threaded and every read is consumed before the next alloc: one buffer serves all. */
static char read_buffer[64 * 1024];

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
    (void)handle;
    (void)suggested;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

/* ---- delay mode ---- */

static void on_delayed_closed(uv_handle_t *handle) {
    delayed_conn *conn = handle->type == UV_TIMER ? container_of(handle, delayed_conn, timer)
                                                  : (delayed_conn *)handle;
    if (--conn->open_handles == 0) free(conn);
}

/* Reached from a read error, a write's end and SIGINT, possibly more than one for a socket. */
static void close_delayed(delayed_conn *conn) {
    if (uv_is_closing((uv_handle_t *)&conn->tcp)) return;
    conn->open_handles = 1;
    uv_close((uv_handle_t *)&conn->tcp, on_delayed_closed);
    if (conn->timer_started) {
        /* Closing stops the timer too: a client that left early gets no late write. */
        conn->open_handles = 2;
        uv_close((uv_handle_t *)&conn->timer, on_delayed_closed);
    }
}

static void on_delayed_written(uv_write_t *req, int status) {
    delayed_conn *conn = (delayed_conn *)req->handle;
    free(req);
    if (status == 0) finished++;
    close_delayed(conn);
}

static void on_delay_over(uv_timer_t *timer) {
    delayed_conn *conn = container_of(timer, delayed_conn, timer);
    uv_buf_t buf = const_buf(RESPONSE, RESPONSE_LEN);
    /* The kernel nearly always takes the whole response at once; a request (and its malloc)
     * is needed only for what it did not take. */
    int n = uv_try_write((uv_stream_t *)&conn->tcp, &buf, 1);
    if (n == (int)RESPONSE_LEN) {
        finished++;
        close_delayed(conn);
        return;
    }
    if (n < 0 && n != UV_EAGAIN) {
        close_delayed(conn);
        return;
    }
    if (n > 0) buf = const_buf(RESPONSE + n, RESPONSE_LEN - n);
    uv_write_t *req = malloc(sizeof *req);
    if (!req || uv_write(req, (uv_stream_t *)&conn->tcp, &buf, 1, on_delayed_written) < 0) {
        free(req);
        close_delayed(conn);
    }
}

static void on_delayed_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
    (void)buf;
    delayed_conn *conn = (delayed_conn *)stream;
    if (nread < 0) {  /* EOF or error: the client went away, answered or not */
        close_delayed(conn);
        return;
    }
    if (nread == 0 || conn->timer_started) return;
    if (uv_timer_init(loop, &conn->timer) < 0) {
        close_delayed(conn);
        return;
    }
    conn->timer_started = 1;
    uv_timer_start(&conn->timer, on_delay_over, delay_ms, 0);
}

/* ---- keep-alive mode ---- */

static void on_keepalive_closed(uv_handle_t *handle) {
    free(handle);  /* the uv_tcp_t is the first member */
}

static void close_keepalive(keepalive_conn *conn) {
    if (!uv_is_closing((uv_handle_t *)&conn->tcp)) uv_close((uv_handle_t *)&conn->tcp, on_keepalive_closed);
}

static void on_keepalive_written(uv_write_t *req, int status) {
    keepalive_conn *conn = (keepalive_conn *)req->handle;
    free(req);
    if (status < 0) close_keepalive(conn);
}

/* Same matcher as SeedServer.RequestEnds, so both servers count requests identically. */
static unsigned count_requests(keepalive_conn *conn, const char *data, size_t len) {
    unsigned found = 0;
    unsigned matched = conn->matched;
    for (size_t i = 0; i < len; i++) {
        char b = data[i];
        if (b == (matched % 2 == 0 ? '\r' : '\n')) {
            if (++matched == 4) {
                found++;
                matched = 0;
            }
        } else {
            matched = b == '\r' ? 1 : 0;
        }
    }
    conn->matched = (unsigned char)matched;
    return found;
}

static void answer(keepalive_conn *conn, unsigned requests) {
    uv_stream_t *stream = (uv_stream_t *)&conn->tcp;
    uv_buf_t bufs[MAX_BATCH];
    while (requests > 0) {
        unsigned batch = requests < MAX_BATCH ? requests : MAX_BATCH;
        for (unsigned i = 0; i < batch; i++) bufs[i] = const_buf(RESPONSE, RESPONSE_LEN);
        /* uv_try_write says EAGAIN while earlier writes are still queued, so the responses
         * cannot overtake each other. */
        int n = uv_try_write(stream, bufs, batch);
        if (n == UV_EAGAIN) n = 0;
        if (n < 0) {
            close_keepalive(conn);
            return;
        }
        finished += batch;
        unsigned first = (unsigned)n / RESPONSE_LEN;
        if (first < batch) {
            size_t skip = (unsigned)n % RESPONSE_LEN;
            bufs[first] = const_buf(RESPONSE + skip, RESPONSE_LEN - skip);
            uv_write_t *req = malloc(sizeof *req);
            if (!req || uv_write(req, stream, bufs + first, batch - first, on_keepalive_written) < 0) {
                free(req);
                close_keepalive(conn);
                return;
            }
        }
        requests -= batch;
    }
}

static void on_keepalive_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
    keepalive_conn *conn = (keepalive_conn *)stream;
    if (nread < 0) {  /* clients closing is how a keep-alive benchmark ends: not worth a word */
        close_keepalive(conn);
        return;
    }
    unsigned requests = count_requests(conn, buf->base, (size_t)nread);
    if (requests) answer(conn, requests);
}

/* ---- listener and shutdown ---- */

static void on_connection(uv_stream_t *server, int status) {
    if (status < 0) {
        fprintf(stderr, "accept: %s\n", uv_strerror(status));
        return;
    }
    size_t size = keep_alive ? sizeof(keepalive_conn) : sizeof(delayed_conn);
    uv_tcp_t *tcp = calloc(1, size);
    if (!tcp) {
        fprintf(stderr, "accept: out of memory\n");
        return;
    }
    uv_tcp_init(loop, tcp);
    uv_close_cb on_closed = keep_alive ? on_keepalive_closed : on_delayed_closed;
    if (!keep_alive) ((delayed_conn *)tcp)->open_handles = 1;
    if (uv_accept(server, (uv_stream_t *)tcp) < 0 ||
        uv_read_start((uv_stream_t *)tcp, on_alloc, keep_alive ? on_keepalive_read : on_delayed_read) < 0) {
        uv_close((uv_handle_t *)tcp, on_closed);
    }
}

/* After SIGINT, connections that will never be answered would keep the loop alive forever:
 * all of them in keep-alive mode, those without a request yet in delay mode. Answers already
 * due are still sent, as juv's seed server does. */
static void close_idle(uv_handle_t *handle, void *arg) {
    (void)arg;
    if (handle->type != UV_TCP || handle == (uv_handle_t *)&listener || uv_is_closing(handle)) return;
    if (keep_alive)
        close_keepalive((keepalive_conn *)handle);
    else if (!((delayed_conn *)handle)->timer_started)
        close_delayed((delayed_conn *)handle);
}

static void on_sigint(uv_signal_t *handle, int signum) {
    (void)signum;
    uv_close((uv_handle_t *)handle, NULL);
    uv_close((uv_handle_t *)&listener, NULL);
    uv_walk(loop, close_idle, NULL);
}

static void usage(const char *bad) {
    fprintf(stderr, "unknown option %s; options: --host ADDR --port N --delay MS --keep-alive --backlog N\n", bad);
    exit(2);
}

int main(int argc, char **argv) {
    const char *host = "0.0.0.0";
    int port = 9009;
    int backlog = 4096;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        /* Every option but --keep-alive takes the next argument; NULL when it is missing. */
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--keep-alive")) { keep_alive = 1; continue; }
        if (!strcmp(arg, "--host") && value) host = value;
        else if (!strcmp(arg, "--port")) port = (int)parse_long(arg, value, 0, 65535);
        else if (!strcmp(arg, "--delay")) delay_ms = (uint64_t)parse_long(arg, value, 0, LONG_MAX);
        else if (!strcmp(arg, "--backlog")) backlog = (int)parse_long(arg, value, 1, 1 << 30);
        else usage(arg);
        i++;
    }

    /* A client that resets mid-write must cost an EPIPE, not the process (the JVM ignores
     * SIGPIPE too). */
    ignore_sigpipe();

    loop = uv_default_loop();
    struct sockaddr_storage addr;
    check(parse_address(host, port, &addr), host);
    check(uv_tcp_init(loop, &listener), "uv_tcp_init");
    check(uv_tcp_bind(&listener, (const struct sockaddr *)&addr, 0), "bind");
    check(uv_listen((uv_stream_t *)&listener, backlog, on_connection), "listen");
    check(uv_signal_init(loop, &sigint), "uv_signal_init");
    check(uv_signal_start(&sigint, on_sigint, SIGINT), "uv_signal_start");

    /* Port 0 picks one: report the real one so scripts can find it. */
    struct sockaddr_storage bound;
    int len = sizeof bound;
    check(uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &len), "getsockname");
    int bound_port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                       : ((struct sockaddr_in *)&bound)->sin_port);
    printf("C server listening on %s:%d\n", host, bound_port);
    fflush(stdout);

    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    printf("C server exited after %llu responses.\n", finished);
    return 0;
}
