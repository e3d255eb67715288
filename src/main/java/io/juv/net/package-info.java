/**
 * Networking on one juv event loop: TCP servers and connections, Unix domain sockets and named
 * pipes, UDP, name lookups and TLS, each a small type over libuv's own handles and requests.
 *
 * <h2>The types</h2>
 * <ul>
 *   <li>{@link io.juv.net.TcpServer} listens ({@code loop.listen}) and makes a
 *       {@link io.juv.net.TcpSocket} of every connection it accepts; {@code loop.connect} (or
 *       {@link io.juv.net.TcpSocket#connect}) opens one, looking the name up and trying its
 *       addresses in turn ({@link io.juv.net.ConnectOptions}). {@link io.juv.net.ListenOptions}
 *       sets the backlog, SO_REUSEPORT and dual stack.</li>
 *   <li>{@link io.juv.net.TcpServerGroup} serves one port from several loops, each on a thread of
 *       its own: how a juv server uses more than one core.</li>
 *   <li>{@link io.juv.net.PipeServer} and {@link io.juv.net.Pipe}: the same for Unix domain
 *       sockets (named pipes on Windows), plus socket pairs and passing TCP sockets over an IPC
 *       pipe to another loop or process.</li>
 *   <li>{@link io.juv.net.Udp}: datagrams, connected or not, with multicast and batched receives
 *       ({@link io.juv.net.UdpOptions}).</li>
 *   <li>{@link io.juv.net.Dns}: getaddrinfo and getnameinfo on libuv's thread pool.</li>
 *   <li>{@link io.juv.net.TlsStream}: TLS on the JDK's {@code SSLEngine} over any juv stream,
 *       configured by {@link io.juv.net.TlsOptions}; failures are
 *       {@link io.juv.net.TlsException}s.</li>
 * </ul>
 *
 * <p>TCP sockets, pipes and TLS sessions are all {@link io.juv.Stream}s: writing, reading,
 * backpressure, half-close, timeouts and the close protocol are the stream's, described there
 * once, and a {@link io.juv.StreamHandler} hears of their events ({@link io.juv.net.SocketHandler}
 * and {@link io.juv.net.PipeHandler} are its shorter names). A UDP socket is no stream: datagrams
 * keep their boundaries and come to a {@link io.juv.net.UdpHandler}.
 *
 * <pre>{@code
 * EventLoop.start(loop -> {
 *     // An echo server on an ephemeral port, and a client that says hello to it.
 *     TcpServer server = loop.listen("127.0.0.1", 0, (socket, data) -> socket.write(data));
 *     loop.connect("127.0.0.1", server.port(), new SocketHandler() {
 *         public void onConnect(TcpSocket s) { s.write("hello"); }
 *         public void onData(TcpSocket s, ByteBuffer data) {
 *             System.out.println(StandardCharsets.UTF_8.decode(data));
 *             loop.exit(); // closes the server and both sockets; the loop ends
 *         }
 *     });
 * });
 * }</pre>
 *
 * <h2>Threads, buffers and closing</h2>
 * Every object here belongs to the loop it was made on and is used from that loop's thread only;
 * a call from another thread throws {@link WrongThreadException}, and other threads reach the
 * loop with {@link io.juv.EventLoop#execute(Runnable)}. The exceptions are said where they apply:
 * {@link io.juv.net.TlsOptions} and the option records are immutable and may be shared,
 * {@link io.juv.net.TcpServerGroup} is driven from any thread, {@link io.juv.net.Pipe#socketPair()}
 * touches no loop. Handlers run on the loop's thread. What a handler is given to read is a
 * read-only view of the loop's buffer, valid during the call: copy what you keep. Once closed, an
 * object answers from Java state or refuses with a {@link io.juv.UvException} of kind
 * {@link io.juv.ErrorKind#SOCKET_CLOSED}; it never reads freed memory.
 */
package io.juv.net;
