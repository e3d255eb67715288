package io.juv;

import io.juv.net.SocketHandler;
import io.juv.net.TcpServer;
import io.juv.net.TcpSocket;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void echoesAFewBytes() {
        AtomicReference<String> got = new AtomicReference<>();
        Loops.run(loop -> {
            Timer watchdog = loop.delay(Duration.ofSeconds(5), loop::exit);
            TcpServer server = loop.listen("127.0.0.1", 0, (s, data) -> {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                s.write(b);
            });
            loop.connect("127.0.0.1", server.port(), new SocketHandler() {
                @Override public void onConnect(TcpSocket s) { s.write("hello"); }
                @Override public void onData(TcpSocket s, java.nio.ByteBuffer data) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    got.set(new String(b, StandardCharsets.UTF_8));
                    s.close();
                    server.close();
                    watchdog.cancel();
                }
            });
        });
        assertEquals("hello", got.get());
    }
}
