/*
 * udp_echo_bench: UDP echo over loopback inside one process and one libuv loop, the C side of
 * the juv-vs-C UDP benchmark. Two sockets bound to 127.0.0.1: the server sends every datagram
 * back to its sender; the client plays ping-pong: it sends a datagram, waits for its echo, then
 * sends the next. One datagram in flight, so loopback drops none.
 *
 * Options and result line: pingpong.h (--size is bytes per datagram). Sends try uv_udp_try_send
 * first and queue a copy (uv_udp_send) only when the kernel would block.
 */
#include "pingpong.h"

static uv_loop_t *loop;
static uv_udp_t server, client;
static struct sockaddr_storage server_addr;

static void fail(const char *what, int code) {
    fprintf(stderr, "%s: %s\n", what, uv_strerror(code));
    failed = 1;
    if (!uv_is_closing((uv_handle_t *)&server)) uv_close((uv_handle_t *)&server, NULL);
    if (!uv_is_closing((uv_handle_t *)&client)) uv_close((uv_handle_t *)&client, NULL);
}

static void on_sent_freed(uv_udp_send_t *req, int status) {
    free(req);
    if (status < 0 && status != UV_ECANCELED) fail("send", status);
}

static int send_datagram(uv_udp_t *udp, const char *data, size_t len, const struct sockaddr *to) {
    uv_buf_t buf = const_buf(data, len);
    int n = uv_udp_try_send(udp, &buf, 1, to);
    if (n >= 0) return 0;
    if (n != UV_EAGAIN) return n;
    uv_udp_send_t *req = malloc(sizeof *req + len);
    if (!req) return UV_ENOMEM;
    memcpy(req + 1, data, len);
    buf = uv_buf_init((char *)(req + 1), (unsigned int)len);
    int rc = uv_udp_send(req, udp, &buf, 1, to, on_sent_freed);
    if (rc < 0) free(req);
    return rc;
}

static void on_server_recv(uv_udp_t *udp, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
                           unsigned flags) {
    (void)flags;
    if (nread < 0) {
        fail("server receive", (int)nread);
        return;
    }
    if (from == NULL) return;  /* nothing more to read */
    int rc = send_datagram(udp, buf->base, (size_t)nread, from);
    if (rc < 0) fail("server send", rc);
}

static void send_message(void) {
    int rc = send_datagram(&client, message, size, (const struct sockaddr *)&server_addr);
    if (rc < 0) fail("client send", rc);
}

static void on_client_recv(uv_udp_t *udp, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
                           unsigned flags) {
    (void)udp;
    (void)buf;
    (void)flags;
    if (nread < 0) {
        fail("client receive", (int)nread);
        return;
    }
    if (from == NULL) return;
    if (++done == messages) {
        end_ns = uv_hrtime();
        uv_close((uv_handle_t *)&client, NULL);
        uv_close((uv_handle_t *)&server, NULL);
        return;
    }
    send_message();
}

int main(int argc, char **argv) {
    pingpong_options(argc, argv, 65507);

    loop = uv_default_loop();
    struct sockaddr_in addr;
    check(uv_ip4_addr("127.0.0.1", 0, &addr), "address");
    check(uv_udp_init(loop, &server), "uv_udp_init");
    check(uv_udp_bind(&server, (const struct sockaddr *)&addr, 0), "bind");
    int len = sizeof server_addr;
    check(uv_udp_getsockname(&server, (struct sockaddr *)&server_addr, &len), "getsockname");
    check(uv_udp_recv_start(&server, on_alloc, on_server_recv), "receive");
    check(uv_udp_init(loop, &client), "uv_udp_init");
    check(uv_udp_bind(&client, (const struct sockaddr *)&addr, 0), "bind");
    check(uv_udp_recv_start(&client, on_alloc, on_client_recv), "receive");

    start_ns = uv_hrtime();
    send_message();
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);

    return pingpong_report("datagrams");
}
