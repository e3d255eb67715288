/*
 * conn_client: a "connection per request" load client on libuv. Keeps C connections in flight;
 * each connects, sends one request, reads to EOF, closes, and its slot starts the next one.
 *
 *   --host ADDR        server (127.0.0.1)          --connections N   total to make (1000)
 *   --port N           port (9009)                 --concurrency C   in flight at once (100)
 *   --addresses K      spread over 127.0.0.1..127.0.0.K instead of --host (1)
 *   --duration S       start no new connection after S seconds (no limit)
 *   --shutdown         half-close once the request is written (a keep-alive server then closes
 *                      after its answer, as it would for a client that leaves)
 *
 * Prints one line, `connections=N replies=R errors=E seconds=T rate=R/T`, and the errors by
 * name on stderr; exits 1 if any connection failed.
 */
#include <signal.h>
#include <string.h>

#include "common.h"

static const char REQUEST[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/* One slot per connection in flight, reused for the next connection when its socket closed. */
typedef struct {
    uv_tcp_t tcp;
    uv_connect_t connect;
    uv_write_t write;
    uv_shutdown_t shutdown;
    size_t received;
    int error;  /* the first libuv error of this connection; 0 while none */
} slot;

static uv_loop_t *loop;
static struct sockaddr_storage *destinations;
static long addresses = 1;
static int half_close;
static long total = 1000;
static long started, replies, errors;
static uint64_t start_ns;
static uint64_t deadline_ms;  /* in uv_now time; 0: none */

/* Errors by name, so a failed run says why (refused, reset, out of ports ...). */
static struct { int code; long count; } error_kinds[32];

static char read_buffer[64 * 1024];

static void start_next(slot *s);

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
    (void)handle;
    (void)suggested;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void count_error(int code) {
    errors++;
    for (size_t i = 0; i < sizeof error_kinds / sizeof error_kinds[0]; i++) {
        if (error_kinds[i].code == code || error_kinds[i].count == 0) {
            error_kinds[i].code = code;
            error_kinds[i].count++;
            return;
        }
    }
}

/* The verdict is given once, here, whatever way the connection ended: a reply is a full
 * response received, anything else is an error under its first libuv error. */
static void on_closed(uv_handle_t *handle) {
    slot *s = (slot *)handle;
    if (s->received >= RESPONSE_LEN)
        replies++;
    else
        count_error(s->error ? s->error : UV_EOF);  /* EOF before a full response */
    start_next(s);
}

static void finish(slot *s, int error) {
    if (error && !s->error) s->error = error;
    if (!uv_is_closing((uv_handle_t *)&s->tcp)) uv_close((uv_handle_t *)&s->tcp, on_closed);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
    (void)buf;
    slot *s = (slot *)stream;
    if (nread > 0)
        s->received += (size_t)nread;
    else if (nread == UV_EOF)
        finish(s, 0);
    else if (nread < 0)
        finish(s, (int)nread);
}

static void on_shut_down(uv_shutdown_t *req, int status) {
    if (status < 0) finish((slot *)req->handle, status);
}

static void on_written(uv_write_t *req, int status) {
    slot *s = (slot *)req->handle;
    if (status < 0) {
        finish(s, status);
        return;
    }
    if (half_close) {
        int rc = uv_shutdown(&s->shutdown, (uv_stream_t *)&s->tcp, on_shut_down);
        if (rc < 0) finish(s, rc);
    }
}

static void on_connected(uv_connect_t *req, int status) {
    slot *s = (slot *)req->handle;
    if (status < 0) {
        finish(s, status);
        return;
    }
    uv_buf_t buf = const_buf(REQUEST, sizeof REQUEST - 1);
    int rc = uv_write(&s->write, (uv_stream_t *)&s->tcp, &buf, 1, on_written);
    if (rc == 0) rc = uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
    if (rc < 0) finish(s, rc);
}

static void start_next(slot *s) {
    if (started >= total || (deadline_ms && uv_now(loop) >= deadline_ms)) return;  /* slot retires */
    const struct sockaddr *to = (const struct sockaddr *)&destinations[started % addresses];
    started++;
    memset(s, 0, sizeof *s);
    int rc = uv_tcp_init(loop, &s->tcp);
    if (rc < 0) {  /* no handle to close, so no close callback to carry on from: stop this slot */
        count_error(rc);
        return;
    }
    rc = uv_tcp_connect(&s->connect, &s->tcp, to, on_connected);
    if (rc < 0) finish(s, rc);  /* e.g. EMFILE, EADDRNOTAVAIL: the close callback goes on */
}

static void usage(const char *bad) {
    fprintf(stderr, "unknown option %s; options: --host ADDR --port N --connections N --concurrency C"
                    " --addresses K --duration S --shutdown\n", bad);
    exit(2);
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 9009;
    long concurrency = 100;
    double duration = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--host") && value) host = value;
        else if (!strcmp(arg, "--port")) port = (int)parse_long(arg, value, 1, 65535);
        else if (!strcmp(arg, "--connections")) total = parse_long(arg, value, 1, LONG_MAX);
        else if (!strcmp(arg, "--concurrency")) concurrency = parse_long(arg, value, 1, 1000000);
        else if (!strcmp(arg, "--addresses")) addresses = parse_long(arg, value, 1, 254);
        else if (!strcmp(arg, "--duration")) duration = parse_seconds(arg, value);
        else if (!strcmp(arg, "--shutdown")) {
            half_close = 1;
            continue;  /* takes no value */
        } else usage(arg);
        i++;
    }

    /* A server that resets before our write lands must cost an EPIPE, not the process. */
    ignore_sigpipe();

    /* One address gives one client about 28,000 ephemeral ports toward a server port; more
     * loopback addresses multiply that, since each is a distinct destination. */
    destinations = calloc((size_t)addresses, sizeof *destinations);
    if (!destinations) return 1;
    for (long i = 0; i < addresses; i++) {
        char name[32];  /* sized for any long: gcc cannot see that K <= 254 */
        if (addresses > 1) snprintf(name, sizeof name, "127.0.0.%ld", i + 1);
        check(parse_address(addresses > 1 ? name : host, port, &destinations[i]),
              addresses > 1 ? name : host);
    }

    loop = uv_default_loop();
    if (concurrency > total) concurrency = total;
    slot *slots = calloc((size_t)concurrency, sizeof *slots);
    if (!slots) return 1;

    start_ns = uv_hrtime();
    uv_update_time(loop);
    if (duration > 0) deadline_ms = uv_now(loop) + (uint64_t)(duration * 1000);
    for (long i = 0; i < concurrency; i++) start_next(&slots[i]);
    uv_run(loop, UV_RUN_DEFAULT);
    double seconds = (double)(uv_hrtime() - start_ns) / 1e9;
    uv_loop_close(loop);

    printf("connections=%ld replies=%ld errors=%ld seconds=%.3f rate=%.1f\n",
           started, replies, errors, seconds, seconds > 0 ? replies / seconds : 0.0);
    if (errors) {
        fprintf(stderr, "errors:");
        for (size_t i = 0; i < sizeof error_kinds / sizeof error_kinds[0] && error_kinds[i].count; i++)
            fprintf(stderr, " %s=%ld", uv_err_name(error_kinds[i].code), error_kinds[i].count);
        fprintf(stderr, "\n");
    }
    free(slots);
    free(destinations);
    return errors ? 1 : 0;
}
