package io.juv.examples;

import java.nio.ByteBuffer;

/**
 * Reads HTTP/1.1 responses off one connection as they arrive, split anywhere: a status line,
 * headers, then a body of Content-Length bytes, or up to the end of stream when there is no
 * Content-Length (a server that closes after its answer may send none). What the seed server, the
 * C server and every peer of the benchmark send; {@link LoadClient}'s connections count with it.
 *
 * <p>No buffer per connection: the head is scanned byte by byte for the status code and the
 * Content-Length value, and a body is skipped by its length. A client holding 20,000 connections
 * open pays a few ints for each.
 */
final class ResponseReader {

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** "HTTP/1.1 " is 9 bytes: the status code's three digits follow. */
    private static final int STATUS_AT = 9;

    private boolean inBody;
    private boolean statusLine = true;
    /** Bytes of the current head line, carriage returns left out. */
    private int column;
    private int status;
    /** Bytes of "content-length:" matched at the start of this header line; -1 once it cannot match. */
    private int nameMatched;
    private long length = -1;
    private long bodyLeft;

    private long responses;
    private long failures;

    /** Complete responses read so far. */
    long responses() {
        return responses;
    }

    /** Of those, how many had a status outside 200-399 (wrk's "non-2xx or 3xx"). */
    long failures() {
        return failures;
    }

    /** True between responses: nothing of the next one has arrived. */
    boolean atBoundary() {
        return !inBody && statusLine && column == 0;
    }

    /** Reads what arrived (from its position to its limit, leaving the position as it was); returns the responses it completed. */
    int read(ByteBuffer data) {
        long before = responses;
        int i = data.position(), end = data.limit();
        while (i < end) {
            if (inBody) {
                long n = Math.min(bodyLeft, end - i);
                i += (int) n;
                bodyLeft -= n;
                if (bodyLeft == 0) complete();
                continue;
            }
            head(data.get(i++));
        }
        return (int) (responses - before);
    }

    /**
     * The stream ended: a body that runs to the end of stream is complete now. Returns whether the
     * stream ended between responses (false: in the middle of one, which is an error).
     */
    boolean end() {
        if (inBody && length < 0) {
            complete();
            return true;
        }
        return atBoundary();
    }

    private void head(byte b) {
        if (b == '\r') return;
        if (b == '\n') {
            if (statusLine) {
                statusLine = false;
            } else if (column == 0) { // the empty line: the head is over
                inBody = true;
                bodyLeft = length < 0 ? Long.MAX_VALUE : length;
                if (bodyLeft == 0) complete();
                return;
            }
            column = 0;
            nameMatched = 0;
            return;
        }
        if (statusLine) {
            if (column >= STATUS_AT && column < STATUS_AT + 3 && b >= '0' && b <= '9') status = status * 10 + (b - '0');
        } else if (nameMatched >= 0 && nameMatched < CONTENT_LENGTH.length) {
            nameMatched = Character.toLowerCase(b) == CONTENT_LENGTH[nameMatched] ? nameMatched + 1 : -1;
        } else if (nameMatched == CONTENT_LENGTH.length && b >= '0' && b <= '9') {
            length = (length < 0 ? 0 : length * 10) + (b - '0');
        }
        column++;
    }

    private void complete() {
        responses++;
        if (status < 200 || status > 399) failures++;
        inBody = false;
        statusLine = true;
        column = 0;
        status = 0;
        nameMatched = 0;
        length = -1;
        bodyLeft = 0;
    }
}
