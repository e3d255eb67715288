package io.juv.examples;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoadClient's response reader, on the seed server's own bytes, split at every place a read may split them. */
class ResponseReaderTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsTheSeedServersResponseSplitAnywhere() {
        byte[] two = new byte[SeedServer.RESPONSE.length * 2];
        System.arraycopy(SeedServer.RESPONSE, 0, two, 0, SeedServer.RESPONSE.length);
        System.arraycopy(SeedServer.RESPONSE, 0, two, SeedServer.RESPONSE.length, SeedServer.RESPONSE.length);
        for (int cut = 0; cut <= two.length; cut++) {
            ResponseReader r = new ResponseReader();
            int first = r.read(ByteBuffer.wrap(two, 0, cut));
            int second = r.read(ByteBuffer.wrap(two, cut, two.length - cut));
            assertEquals(2, first + second, "cut at " + cut);
            assertEquals(cut >= SeedServer.RESPONSE.length ? (cut == two.length ? 2 : 1) : 0, first, "cut at " + cut);
            assertEquals(0, r.failures());
            assertTrue(r.atBoundary());
            assertTrue(r.end(), "ends between responses");
        }
    }

    @Test
    void leavesTheBuffersPositionAsItWas() {
        ByteBuffer b = ByteBuffer.wrap(SeedServer.RESPONSE);
        new ResponseReader().read(b);
        assertEquals(0, b.position());
    }

    @Test
    void aBodyWithoutContentLengthRunsToTheEndOfStream() {
        ResponseReader r = new ResponseReader();
        assertEquals(0, r.read(bytes("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nomg")));
        assertEquals(0, r.read(bytes("lolwtf")));
        assertTrue(r.end());
        assertEquals(1, r.responses());
    }

    @Test
    void countsAStatusOutside2xxAnd3xxAsAFailureAndReadsHeaderNamesInAnyCase() {
        ResponseReader r = new ResponseReader();
        assertEquals(2, r.read(bytes("HTTP/1.1 503 Busy\r\nCONTENT-LENGTH: 4\r\n\r\nbusyHTTP/1.1 301 Moved\r\ncontent-length:0\r\n\r\n")));
        assertEquals(1, r.failures());
        assertTrue(r.atBoundary());
    }

    @Test
    void anEndInTheMiddleOfAResponseIsNotABoundary() {
        ResponseReader r = new ResponseReader();
        r.read(ByteBuffer.wrap(SeedServer.RESPONSE, 0, 20));
        assertFalse(r.end());
        assertEquals(0, r.responses());
    }
}
