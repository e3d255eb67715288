package io.juv;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's example, as written there (port 0 instead of 8080, and an exit after 1.2 s instead of Ctrl-C). */
@Timeout(30)
class ReadmeExampleTest {

    @Test
    void theReadmeExampleDoesWhatItSays() {
        List<String> out = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        EventLoop[] theLoop = new EventLoop[1];
        EventLoop.start(loop -> {
            theLoop[0] = loop;
            loop.catchErrors(errors::add);
            loop.delay(Duration.ofMillis(500), () -> out.add("half a second"));
            Timer tick = loop.interval(Duration.ofSeconds(1), t -> out.add("stats " + loop.stats().openHandles()));
            TcpServer server = loop.listen("0.0.0.0", 0, (socket, data) -> socket.write(data));
            loop.connect("localhost", server.port(), new SocketHandler() {
                public void onConnect(TcpSocket s) { s.write("hello"); }
                public void onData(TcpSocket s, java.nio.ByteBuffer data) {
                    out.add("echoed: " + StandardCharsets.UTF_8.decode(data));
                    s.close();
                }
                public void onError(TcpSocket s, UvException e) { errors.add(e); }
            }).thenAccept(s -> out.add("connected to " + s.remoteAddress().getPort()));
            loop.onSignal(Signal.INT, sig -> loop.exit());
            loop.delay(Duration.ofMillis(1200), loop::exit); // the test's Ctrl-C
        });
        assertEquals(List.of(), errors);
        assertTrue(out.get(0).startsWith("connected to "), out::toString);
        assertEquals("echoed: hello", out.get(1));
        assertEquals(List.of("half a second"), out.subList(2, 3));
        assertTrue(out.get(3).startsWith("stats "), out::toString);
        assertTrue(theLoop[0].isClosed());
        assertEquals(0, theLoop[0].stats().nativeBytes());
    }
}
