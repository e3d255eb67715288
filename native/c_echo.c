/*
 * echo_bench: TCP echo over loopback inside one process and one libuv loop, the C side of the
 * juv-vs-C echo benchmark. A server and one client; the client plays ping-pong: it sends a
 * message, waits until all of it came back, then sends the next.
 *
 * Options and result line: pingpong.h. Both sockets have TCP_NODELAY, as any request/response
 * program over TCP would.
 */
#include <signal.h>

#include "pingpong.h"

static uv_loop_t *loop;
static uv_tcp_t listener, server_conn, client;
static uv_connect_t connect_req;

static size_t received;  /* bytes of the current message echoed so far */

static void close_if_open(uv_handle_t *handle) {
    if (!uv_is_closing(handle)) uv_close(handle, NULL);
}

/* Any failure ends the run: closing every handle lets uv_run return. */
static void fail(const char *what, int code) {
    fprintf(stderr, "%s: %s\n", what, uv_strerror(code));
    failed = 1;
    close_if_open((uv_handle_t *)&listener);
    close_if_open((uv_handle_t *)&client);
    if (server_conn.loop) close_if_open((uv_handle_t *)&server_conn);  /* set once accepted */
}

static void on_write_freed(uv_write_t *req, int status) {
    free(req);
    if (status < 0 && status != UV_ECANCELED) fail("write", status);
}

/* The kernel takes small writes whole, so the common case costs no request and no copy; only
 * what it did not take is queued, copied when the source buffer is about to be reused. */
static int write_all(uv_stream_t *stream, const char *data, size_t len, int copy) {
    uv_buf_t buf = const_buf(data, len);
    int n = uv_try_write(stream, &buf, 1);
    if (n == UV_EAGAIN) n = 0;
    if (n < 0) return n;
    if ((size_t)n == len) return 0;
    size_t rest = len - (size_t)n;
    uv_write_t *req = malloc(sizeof *req + (copy ? rest : 0));
    if (!req) return UV_ENOMEM;
    if (copy) {
        memcpy(req + 1, data + n, rest);
        buf = uv_buf_init((char *)(req + 1), (unsigned int)rest);
    } else {
        buf = const_buf(data + n, rest);
    }
    int rc = uv_write(req, stream, &buf, 1, on_write_freed);
    if (rc < 0) free(req);
    return rc;
}

/* ---- server: echo whatever arrives ---- */

static void on_server_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
    if (nread < 0) {  /* the client closing after its last message ends the server side */
        if (nread != UV_EOF) fail("server read", (int)nread);
        close_if_open((uv_handle_t *)stream);
        return;
    }
    /* The read buffer is reused by the next read: what the kernel does not take is copied. */
    int rc = write_all(stream, buf->base, (size_t)nread, 1);
    if (rc < 0) fail("server write", rc);
}

static void on_connection(uv_stream_t *server, int status) {
    if (status < 0) {
        fail("accept", status);
        return;
    }
    check(uv_tcp_init(loop, &server_conn), "uv_tcp_init");
    check(uv_accept(server, (uv_stream_t *)&server_conn), "accept");
    uv_tcp_nodelay(&server_conn, 1);
    check(uv_read_start((uv_stream_t *)&server_conn, on_alloc, on_server_read), "read");
    /* One client only: without the listener the loop ends when both connections have closed. */
    uv_close((uv_handle_t *)&listener, NULL);
}

/* ---- client: ping-pong ---- */

static void send_message(void) {
    /* The message buffer never changes, so a queued remainder may point into it. */
    int rc = write_all((uv_stream_t *)&client, message, size, 0);
    if (rc < 0) fail("client write", rc);
}

static void on_client_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
    (void)stream;
    (void)buf;
    if (nread < 0) {
        fail("client read", (int)nread);
        return;
    }
    received += (size_t)nread;
    if (received < size) return;
    received = 0;
    if (++done == messages) {
        end_ns = uv_hrtime();
        uv_close((uv_handle_t *)&client, NULL);
        return;
    }
    send_message();
}

static void on_connected(uv_connect_t *req, int status) {
    (void)req;
    if (status < 0) {
        fail("connect", status);
        return;
    }
    uv_tcp_nodelay(&client, 1);
    check(uv_read_start((uv_stream_t *)&client, on_alloc, on_client_read), "read");
    start_ns = uv_hrtime();
    send_message();
}

int main(int argc, char **argv) {
    pingpong_options(argc, argv, 64L << 20);
    ignore_sigpipe();

    loop = uv_default_loop();
    struct sockaddr_in addr;
    check(uv_ip4_addr("127.0.0.1", 0, &addr), "address");
    check(uv_tcp_init(loop, &listener), "uv_tcp_init");
    check(uv_tcp_bind(&listener, (const struct sockaddr *)&addr, 0), "bind");
    check(uv_listen((uv_stream_t *)&listener, 1, on_connection), "listen");
    struct sockaddr_storage bound;
    int len = sizeof bound;
    check(uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &len), "getsockname");

    check(uv_tcp_init(loop, &client), "uv_tcp_init");
    check(uv_tcp_connect(&connect_req, &client, (const struct sockaddr *)&bound, on_connected), "connect");
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    return pingpong_report("messages");
}
