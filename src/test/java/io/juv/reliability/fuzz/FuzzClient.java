package io.juv.reliability.fuzz;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One random session against one of the examples, all of it drawn from one seed so that a
 * failing session replays exactly (as far as the peer's timing allows): what a careful client
 * does (well-formed requests, whole or split anywhere, pipelined, read slowly or not at all
 * until the end) and what a careless or hostile one does (random bytes, bursts, half-closes,
 * resets, connect-then-close, idling). A session that sends well-formed requests checks that
 * each is answered exactly once, in order; the others check only that the server stays up,
 * which the test sees from the sessions after them and from its leak gate.
 */
final class FuzzClient {

    /** The examples, and what each calls a well-formed request. */
    enum Server { ECHO, SEED_DELAYED, SEED_KEEP_ALIVE, CHAT, TLS_ECHO, UDP_ECHO }

    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nDate: Wed, 03 Oct 2012 23:43:10 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 9\r\n\r\nomglolwtf").getBytes(StandardCharsets.US_ASCII);
    private static final int TIMEOUT_MS = 15_000;
    private static final SSLContext TRUSTING = trusting();
    private static final Pattern WELCOME = Pattern.compile("^\\* welcome, (guest\\d+);");

    private final Server server;
    private final InetSocketAddress address;

    FuzzClient(Server server, int port) {
        this.server = server;
        this.address = new InetSocketAddress("127.0.0.1", port);
    }

    /** Runs the session {@code seed} names; an AssertionError says what the server did wrong, with the action. */
    void session(long seed) throws Exception {
        Random r = new Random(seed);
        switch (server) {
            case ECHO -> echo(r, false);
            case TLS_ECHO -> echo(r, true);
            case SEED_KEEP_ALIVE -> keepAlive(r);
            case SEED_DELAYED -> delayed(r);
            case CHAT -> chat(r);
            case UDP_ECHO -> udp(r);
        }
    }

    // ------------------------------------------------------------------ what every TCP server gets

    /** The careless and hostile sessions every TCP example must survive; true if one was run. */
    private boolean hostile(Random r, int percent) throws IOException, InterruptedException {
        if (r.nextInt(100) >= percent) return false;
        switch (r.nextInt(6)) {
            case 0 -> { // connect, then close at once
                try (Socket s = connect()) { /* nothing */ }
            }
            case 1 -> { // reset, after some bytes or none
                Socket s = connect();
                if (r.nextBoolean()) writeQuietly(s, randomBytes(r, r.nextInt(2000)), r);
                s.setSoLinger(true, 0);
                s.close();
            }
            case 2 -> { // random bytes, then a half-close, then whatever comes back until the server is done
                try (Socket s = connect()) {
                    if (writeQuietly(s, randomBytes(r, 1 + r.nextInt(r.nextBoolean() ? 100 : 20_000)), r)) {
                        try {
                            s.shutdownOutput();
                        } catch (IOException reset) {
                            return true;
                        }
                    }
                    drainQuietly(s);
                }
            }
            case 3 -> { // a burst nobody reads, then a reset
                Socket s = connect();
                CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                    try {
                        s.getOutputStream().write(randomBytes(r, 64 * 1024 + r.nextInt(256 * 1024)));
                    } catch (IOException reset) {
                        // the server may close first (chat drops a client that does not read)
                    }
                });
                Thread.sleep(r.nextInt(20));
                s.setSoLinger(true, 0);
                s.close();
                w.exceptionally(e -> null).join();
            }
            case 4 -> { // idles, then leaves without a word
                try (Socket s = connect()) {
                    Thread.sleep(20 + r.nextInt(80));
                }
            }
            default -> { // a half-close with nothing sent
                try (Socket s = connect()) {
                    s.shutdownOutput();
                    drainQuietly(s);
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ echo and TLS echo

    private void echo(Random r, boolean overTls) throws Exception {
        if (hostile(r, 30)) return;
        int size = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(16);
            case 1 -> r.nextInt(4096);
            case 2 -> r.nextInt(64 * 1024);
            default -> r.nextInt(512 * 1024);
        };
        // false: pipeline everything, read only after; no more than the kernel's buffers hold between the two
        // ends, since the server rightly stops reading when its echo cannot be written (the backpressure test pushes more)
        boolean readFirst = size > 96 * 1024 || r.nextBoolean();
        byte[] sent = randomBytes(r, size);
        boolean slowReader = r.nextInt(5) == 0;
        boolean halfClose = !overTls && r.nextBoolean(); // SSLSocket cannot half-close
        boolean idle = r.nextInt(10) == 0;
        long readerSeed = r.nextLong();
        Socket raw = connect();
        Socket s = raw;
        if (overTls) {
            s = tlsClient(raw, address.getPort());
        }
        try (Socket c = s) {
            if (idle) Thread.sleep(30 + r.nextInt(70));
            CompletableFuture<byte[]> echoed = readFirst ? readAsync(c, size, halfClose, slowReader, readerSeed) : null;
            write(c, sent, r);
            if (halfClose) c.shutdownOutput();
            if (echoed == null) echoed = readAsync(c, size, halfClose, slowReader, readerSeed);
            byte[] got = echoed.get(TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
            if (!Arrays.equals(sent, got)) {
                throw new AssertionError("echo of " + size + " bytes (" + (halfClose ? "half-closed" : "open")
                        + (readFirst ? ", read as sent" : ", read after") + (slowReader ? ", slowly" : "")
                        + ") came back as " + got.length + " bytes, first difference at " + Arrays.mismatch(sent, got));
            }
        }
    }

    /** Reads {@code size} bytes (and, after a half-close, asserts the server's end of stream follows them), on another thread. */
    private CompletableFuture<byte[]> readAsync(Socket s, int size, boolean thenEof, boolean slowly, long seed) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                Random r = new Random(seed);
                InputStream in = s.getInputStream();
                byte[] got = new byte[size];
                int n = 0;
                while (n < size) {
                    int chunk = slowly ? 1 + r.nextInt(512) : size - n;
                    int k = in.read(got, n, Math.min(chunk, size - n));
                    if (k < 0) break;
                    n += k;
                    if (slowly && r.nextInt(8) == 0) Thread.sleep(1);
                }
                if (n < size) {
                    f.complete(Arrays.copyOf(got, n));
                    return;
                }
                if (thenEof) {
                    int extra = in.read();
                    if (extra >= 0) throw new AssertionError("the echo went on past the " + size + " bytes sent");
                }
                f.complete(got);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    // ------------------------------------------------------------------ the seed server

    /** --keep-alive: every request (anything up to an empty line) is answered once, at once, in order; none is lost. */
    private void keepAlive(Random r) throws Exception {
        if (hostile(r, 30)) return;
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        if (r.nextInt(5) == 0) stream.writeBytes(randomBytes(r, r.nextInt(3000))); // junk before: a request is what ends in an empty line
        int requests = switch (r.nextInt(3)) {
            case 0 -> 1;
            case 1 -> 1 + r.nextInt(20);
            default -> 1 + r.nextInt(2000);
        };
        for (int i = 0; i < requests; i++) {
            stream.writeBytes(("GET /" + Long.toHexString(r.nextLong()) + " HTTP/1.1\r\nHost: fuzz\r\n"
                    + (r.nextBoolean() ? "X-Junk: " + "x".repeat(r.nextInt(200)) + "\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] sent = stream.toByteArray();
        int expected = requestEnds(sent);
        boolean halfClose = r.nextBoolean();
        boolean readFirst = expected > 300 || r.nextBoolean(); // as for echo: unread answers fill the kernel's buffers
        boolean slowReader = r.nextInt(5) == 0;
        long readerSeed = r.nextLong();
        try (Socket s = connect()) {
            int size = expected * RESPONSE.length;
            CompletableFuture<byte[]> answers = readFirst ? readAsync(s, size, halfClose, slowReader, readerSeed) : null;
            write(s, sent, r);
            if (halfClose) s.shutdownOutput();
            if (answers == null) answers = readAsync(s, size, halfClose, slowReader, readerSeed);
            byte[] got = answers.get(TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
            if (got.length != size) {
                throw new AssertionError(expected + " requests (" + sent.length + " bytes" + (halfClose ? ", half-closed" : "")
                        + ") got " + got.length / (double) RESPONSE.length + " responses");
            }
            for (int i = 0; i < expected; i++) {
                if (!Arrays.equals(got, i * RESPONSE.length, (i + 1) * RESPONSE.length, RESPONSE, 0, RESPONSE.length)) {
                    throw new AssertionError("response " + i + " of " + expected + " is not the server's response");
                }
            }
        }
    }

    /** The number of requests in a byte stream: non-overlapping "\r\n\r\n", counted afresh from the start. */
    static int requestEnds(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int i = s.indexOf("\r\n\r\n"); i >= 0; i = s.indexOf("\r\n\r\n", i + 4)) n++;
        return n;
    }

    /** The delayed mode: the first bytes a connection sends are its request, answered once after the delay, then the server closes. */
    private void delayed(Random r) throws Exception {
        if (hostile(r, 30)) return;
        byte[] request = r.nextInt(4) == 0 ? randomBytes(r, 1 + r.nextInt(3000))
                : ("GET / HTTP/1.1\r\nHost: fuzz\r\n\r\n").repeat(1 + r.nextInt(r.nextBoolean() ? 1 : 50)).getBytes(StandardCharsets.US_ASCII);
        boolean idleFirst = r.nextInt(5) == 0; // idles past the delay before asking: the delay starts with the request
        boolean halfClose = r.nextBoolean();
        try (Socket s = connect()) {
            if (idleFirst) Thread.sleep(60 + r.nextInt(60));
            // All at once: bytes that reach the server after it closed would turn its close into a reset.
            s.getOutputStream().write(request);
            if (halfClose) s.shutdownOutput();
            byte[] got = s.getInputStream().readAllBytes();
            if (!Arrays.equals(RESPONSE, got)) {
                throw new AssertionError("a request of " + request.length + " bytes" + (halfClose ? ", half-closed," : "")
                        + " got " + got.length + " bytes back instead of one response: " + new String(got, StandardCharsets.ISO_8859_1));
            }
        }
    }

    // ------------------------------------------------------------------ chat

    /**
     * Two clients: what A says, B hears exactly once each, in order, before "A left" (lines of
     * other sessions' clients, which B hears too, are skipped).
     */
    private void chat(Random r) throws Exception {
        if (r.nextInt(10) == 0) {
            longLine(r);
            return;
        }
        if (hostile(r, 30)) return;
        try (Socket a = connect(); Socket b = connect()) {
            InputStream aIn = a.getInputStream();
            String nameA = name(readLine(aIn));
            InputStream bIn = b.getInputStream();
            name(readLine(bIn)); // B has joined: from now on it hears what A says
            List<String> said = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int lines = r.nextInt(r.nextBoolean() ? 5 : 100);
            for (int i = 0; i < lines; i++) {
                byte[] text = randomBytes(r, r.nextInt(r.nextInt(10) == 0 ? 4000 : 100));
                for (int j = 0; j < text.length; j++) if (text[j] == '\n') text[j] = ' ';
                boolean crlf = r.nextBoolean();
                out.writeBytes(text);
                out.writeBytes(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
                int n = text.length > 0 && !crlf && text[text.length - 1] == '\r' ? text.length - 1 : text.length;
                said.add(new String(text, 0, n, StandardCharsets.ISO_8859_1));
            }
            write(a, out.toByteArray(), r);
            // A leaves cleanly (a half-close, and what the server sent it read, so that its close is no reset),
            // or resets, and then B may hear only the start of what A said: the reset can overtake it.
            boolean reset = r.nextInt(4) == 0;
            if (reset) {
                a.setSoLinger(true, 0);
            } else {
                a.shutdownOutput();
                aIn.transferTo(OutputStream.nullOutputStream());
            }
            a.close();
            List<String> heard = new ArrayList<>();
            String prefix = nameA + ": ";
            String left = "* " + nameA + " left";
            for (String line; !(line = readLine(bIn)).startsWith(left); ) {
                if (line.startsWith(prefix)) heard.add(line.substring(prefix.length()));
            }
            if (reset ? !said.subList(0, Math.min(heard.size(), said.size())).equals(heard) || heard.size() > said.size() : !heard.equals(said)) {
                throw new AssertionError("B heard " + heard.size() + " of A's " + said.size() + " lines" + (reset ? " (A reset)" : "")
                        + (heard.size() == said.size() ? ", not the same" : ""));
            }
        }
    }

    /** A line past the limit: the server says so, then closes the connection. */
    private void longLine(Random r) throws IOException {
        try (Socket a = connect()) {
            InputStream in = a.getInputStream();
            name(readLine(in));
            byte[] junk = randomBytes(r, 4097 + r.nextInt(10_000));
            for (int j = 0; j < junk.length; j++) if (junk[j] == '\n') junk[j] = ' ';
            try {
                a.getOutputStream().write(junk);
            } catch (IOException reset) {
                // the server closed as the line passed its limit, with bytes of it unread
            }
            for (String line; (line = readLineOrNull(in)) != null; ) {
                if (line.startsWith("* line too long")) return;
            }
            throw new AssertionError("a line of " + junk.length + " bytes was not refused");
        } catch (java.net.SocketException reset) {
            // the refusal can be lost to the reset the unread rest of the line causes
        }
    }

    private static String name(String welcome) {
        Matcher m = WELCOME.matcher(welcome);
        if (!m.find()) throw new AssertionError("not a welcome: " + welcome);
        return m.group(1);
    }

    private static String readLine(InputStream in) throws IOException {
        String line = readLineOrNull(in);
        if (line == null) throw new AssertionError("the chat server closed the connection");
        return line;
    }

    private static String readLineOrNull(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) return null;
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ UDP echo

    /**
     * Datagrams of any size from empty to the largest UDP takes, each echoed whole. UDP may drop
     * (the burst sessions beside this one fill the server's receive buffer on purpose), so this
     * client does what a UDP client does: it sends again what is not answered within a while,
     * and then asserts that every datagram came back, none more often than it was sent, and
     * nothing came back that was never sent.
     */
    private void udp(Random r) throws Exception {
        // Not connected: a connected java.net socket sends with write(), and Linux sends no datagram for a write of nothing.
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            if (r.nextInt(10) == 0) { // a burst nobody reads: the kernel may drop, the server must go on
                for (int i = 0, n = r.nextInt(300); i < n; i++) {
                    byte[] d = randomBytes(r, r.nextInt(1500));
                    s.send(new DatagramPacket(d, d.length, address));
                }
                return;
            }
            int count = 1 + r.nextInt(r.nextBoolean() ? 3 : 30);
            Map<ByteBuffer, Integer> wanted = new HashMap<>(), sent = new HashMap<>(), echoed = new HashMap<>();
            List<byte[]> datagrams = new ArrayList<>();
            boolean big = false;
            for (int i = 0; i < count; i++) {
                int size = switch (r.nextInt(20)) {
                    case 0 -> 0;
                    case 1 -> big ? 1200 : 65_507; // one largest datagram a session: the kernel's buffer holds a few
                    default -> r.nextInt(1400);
                };
                big |= size == 65_507;
                byte[] d = randomBytes(r, size);
                if (size >= 8) ByteBuffer.wrap(d).putInt(i); // tells apart equal random datagrams (as good as never)
                datagrams.add(d);
                wanted.merge(ByteBuffer.wrap(d), 1, Integer::sum);
            }
            s.setSoTimeout(200);
            byte[] buf = new byte[65_536];
            for (int round = 0; round < 8; round++) {
                for (byte[] d : datagrams) {
                    ByteBuffer key = ByteBuffer.wrap(d);
                    if (echoed.getOrDefault(key, 0) >= wanted.get(key)) continue;
                    s.send(new DatagramPacket(d, d.length, address));
                    sent.merge(key, 1, Integer::sum);
                }
                long until = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < until && !allBack(wanted, echoed)) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    ByteBuffer got = ByteBuffer.wrap(Arrays.copyOf(p.getData(), p.getLength()));
                    if (!wanted.containsKey(got)) throw new AssertionError("an echo of " + p.getLength() + " bytes that was never sent");
                    if (echoed.merge(got, 1, Integer::sum) > sent.get(got)) {
                        throw new AssertionError("a datagram of " + p.getLength() + " bytes came back more often than it was sent");
                    }
                }
                if (allBack(wanted, echoed)) return;
            }
            throw new AssertionError("datagrams of " + wanted.keySet().stream().filter(k -> echoed.getOrDefault(k, 0) < wanted.get(k))
                    .map(b -> b.remaining() + " bytes").toList() + " not echoed though sent 8 times each over 8 s");
        }
    }

    private static boolean allBack(Map<ByteBuffer, Integer> wanted, Map<ByteBuffer, Integer> echoed) {
        return wanted.entrySet().stream().allMatch(e -> echoed.getOrDefault(e.getKey(), 0) >= e.getValue());
    }

    // ------------------------------------------------------------------ plumbing

    /** A TLS client over a connected socket, trusting the example's self-signed certificate, handshaken. */
    static SSLSocket tlsClient(Socket raw, int port) throws Exception {
        SSLSocket t = (SSLSocket) TRUSTING.getSocketFactory().createSocket(raw, "localhost", port, true);
        t.setSoTimeout(TIMEOUT_MS);
        t.startHandshake();
        return t;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(address, TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Writes in pieces of random sizes, now and then after a pause: a request may arrive split anywhere. */
    private static void write(Socket s, byte[] bytes, Random r) throws IOException {
        OutputStream out = s.getOutputStream();
        if (r.nextBoolean()) {
            out.write(bytes);
            return;
        }
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, 1 + r.nextInt(r.nextBoolean() ? 16 : 8192));
            out.write(bytes, i, n);
            i += n;
            if (r.nextInt(50) == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }

    /** Writes what a server may refuse halfway (TLS closes on junk, chat on a line too long); false if it did. */
    private static boolean writeQuietly(Socket s, byte[] bytes, Random r) {
        try {
            write(s, bytes, r);
            return true;
        } catch (IOException closedByTheServer) {
            return false;
        }
    }

    private static void drainQuietly(Socket s) {
        try {
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException reset) {
            // a server may well reset a client that sent it junk
        }
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static SSLContext trusting() {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustAll()}, null);
            return tls;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
