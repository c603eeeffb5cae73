package io.loomchat.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of every benchmark message: {@code ~SEQ NANOS SENDER pad...}, about 100 bytes. SEQ numbers the
 * message, NANOS is its (intended) send time by {@link System#nanoTime()} (one clock for the whole
 * machine on Linux), SENDER the sending client's index. The '~' marks a payload in any peer's framing.
 */
final class Payload {

    static final int SIZE = 100;

    private Payload() {
    }

    static byte[] make(long seq, long nanos, int sender) {
        String head = "~" + seq + " " + nanos + " " + sender + " ";
        byte[] bytes = Arrays.copyOf(head.getBytes(StandardCharsets.ISO_8859_1), Math.max(SIZE, head.length()));
        Arrays.fill(bytes, head.length(), bytes.length, (byte) 'x');
        return bytes;
    }

    /** Parses the payload in {@code line[0..length)} into {seq, nanos, sender}; false if there is none. */
    static boolean parse(byte[] line, int length, long[] out) {
        int i = 0;
        while (i < length && line[i] != '~') {
            i++;
        }
        if (i == length) {
            return false;
        }
        i++;
        for (int field = 0; field < 3; field++) {
            long value = 0;
            boolean negative = i < length && line[i] == '-';
            if (negative) {
                i++;
            }
            int start = i;
            while (i < length && line[i] >= '0' && line[i] <= '9') {
                value = value * 10 + (line[i] - '0');
                i++;
            }
            if (i == start) {
                return false;
            }
            out[field] = negative ? -value : value;
            i++; // the space
        }
        return true;
    }
}
