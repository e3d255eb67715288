package io.juv.net;

import io.juv.Stream;

import java.nio.ByteBuffer;

/**
 * Writes a payload in chunks as fast as the stream's backpressure lets it: call {@link #send} from
 * the handler's onConnect and onDrain. With {@code thenClose}, the stream is closed once the last
 * chunk is queued (gracefully: what is queued goes out first).
 */
public final class PayloadSender {

    private final byte[] payload;
    private final int chunk;
    private final boolean thenClose;
    private int sent;

    public PayloadSender(byte[] payload, int chunk, boolean thenClose) {
        this.payload = payload;
        this.chunk = chunk;
        this.thenClose = thenClose;
    }

    public void send(Stream s) {
        while (sent < payload.length) {
            int n = Math.min(chunk, payload.length - sent);
            boolean more = s.write(ByteBuffer.wrap(payload, sent, n));
            sent += n;
            if (!more) break;
        }
        if (thenClose && sent == payload.length) s.close();
    }
}
