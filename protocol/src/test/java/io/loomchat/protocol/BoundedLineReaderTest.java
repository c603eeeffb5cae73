package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoundedLineReaderTest {

    /** Reads every line, rendering over-long ones as "<too long>", until end of stream. */
    private static List<String> readAll(InputStream in, int max) throws IOException {
        BoundedLineReader reader = new BoundedLineReader(in, max);
        List<String> lines = new ArrayList<>();
        for (int n; (n = reader.next()) != BoundedLineReader.EOF; ) {
            lines.add(n == BoundedLineReader.TOO_LONG ? "<too long>"
                    : new String(reader.line(), 0, n, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Delivers at most {@code chunk} bytes per read, as a slow network does. */
    private static InputStream chunked(String s, int chunk) {
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < all.length ? all[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= all.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), all.length - pos);
                System.arraycopy(all, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void splitsOnNewlineAndDropsCarriageReturn() throws IOException {
        assertEquals(List.of("one", "two", "", "three"), readAll(bytes("one\ntwo\r\n\nthree\n"), 100));
    }

    @Test
    void anUnterminatedLastLineIsDropped() throws IOException {
        assertEquals(List.of("whole"), readAll(bytes("whole\nhalf a li"), 100));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64})
    void linesSplitAcrossReadsAreReassembled(int chunk) throws IOException {
        String text = "{\"type\":\"say\",\"text\":\"héllo\"}\r\nsecond\n" + "x".repeat(5000) + "\nlast\n";
        assertEquals(List.of("{\"type\":\"say\",\"text\":\"héllo\"}", "second", "<too long>", "last"),
                readAll(chunked(text, chunk), 4096));
    }

    @Test
    void aLineOfExactlyTheCapIsAccepted() throws IOException {
        String cap = "y".repeat(10);
        assertEquals(List.of(cap, cap), readAll(bytes(cap + "\n" + cap + "\r\n"), 10));
        assertEquals(List.of(cap, "<too long>", "ok"), readAll(chunked(cap + "\r\n" + cap + "\rx\nok\n", 1), 10),
                "a CR split from its LF by a read still counts as part of the terminator, and only then");
    }

    @Test
    void aLineOneByteOverTheCapIsRefusedAndTheNextLineStillArrives() throws IOException {
        assertEquals(List.of("<too long>", "ok"), readAll(bytes("y".repeat(11) + "\nok\n"), 10));
    }

    @Test
    void anOverLongLineIsReportedOnceHoweverLongItIs() throws IOException {
        assertEquals(List.of("a", "<too long>", "b"), readAll(bytes("a\n" + "z".repeat(1_000_000) + "\nb\n"), 1000));
    }

    @Test
    void neverBuffersMoreThanTheCap() throws IOException {
        BoundedLineReader reader = new BoundedLineReader(bytes("q".repeat(100_000) + "\n"), 1000);
        assertEquals(BoundedLineReader.TOO_LONG, reader.next());
        assertEquals(true, reader.line().length <= 1001, "line buffer grew to " + reader.line().length);
        assertEquals(BoundedLineReader.EOF, reader.next());
    }

    @Test
    void endOfStreamInsideAnOverLongLineIsJustTheEnd() throws IOException {
        assertEquals(List.of("<too long>"), readAll(bytes("z".repeat(50)), 10));
    }

    @org.junit.jupiter.api.Test
    void aLineThatNeverEndsIsReportedAgainForEveryCapsWorth() throws java.io.IOException {
        byte[] endless = new byte[10 * 100 + 50];
        java.util.Arrays.fill(endless, (byte) 'A');
        byte[] stream = new byte[endless.length + 3];
        System.arraycopy(endless, 0, stream, 0, endless.length);
        stream[endless.length] = '\n';
        stream[endless.length + 1] = 'x';
        stream[endless.length + 2] = '\n';
        BoundedLineReader reader = new BoundedLineReader(new java.io.ByteArrayInputStream(stream), 100, () -> { }, true);
        org.junit.jupiter.api.Assertions.assertEquals(BoundedLineReader.TOO_LONG, reader.next());
        int again = 0;
        int n;
        while ((n = reader.next()) == BoundedLineReader.STILL_TOO_LONG) {
            again++;
        }
        org.junit.jupiter.api.Assertions.assertEquals(9, again, "1,050 bytes past a 100-byte cap: 9 more caps' worth");
        org.junit.jupiter.api.Assertions.assertEquals(1, n, "the next line comes through");
        org.junit.jupiter.api.Assertions.assertEquals('x', reader.line()[0]);
    }

    @Test
    void theReadBufferGrowsWhileReadsFillItAndShrinksBackWhenTheyDoNotAndNoLineIsHurtEitherWay() throws IOException {
        // A burst (reads fill whatever buffer is offered), then a trickle of one short line per read.
        StringBuilder burst = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; burst.length() < 400_000; i++) {
            String line = "line " + i + " " + "x".repeat(i % 97);
            expected.add(line);
            burst.append(line).append('\n');
        }
        byte[] fast = burst.toString().getBytes(StandardCharsets.UTF_8);
        int trickle = 200;
        InputStream in = new InputStream() {
            int pos;
            int slow;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos < fast.length) {
                    int n = Math.min(len, fast.length - pos);
                    System.arraycopy(fast, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (slow == trickle) {
                    return -1;
                }
                byte[] line = ("slow " + slow++ + "\n").getBytes(StandardCharsets.UTF_8);
                System.arraycopy(line, 0, b, off, line.length);
                return line.length;
            }
        };
        BoundedLineReader reader = new BoundedLineReader(in, 4096);
        assertEquals(BoundedLineReader.MIN_CHUNK_BYTES, reader.chunkBytes(), "an idle connection holds little");
        int largest = 0;
        List<String> got = new ArrayList<>();
        for (int n; (n = reader.next()) != BoundedLineReader.EOF; ) {
            got.add(new String(reader.line(), 0, n, StandardCharsets.UTF_8));
            largest = Math.max(largest, reader.chunkBytes());
        }
        for (int i = 0; i < trickle; i++) {
            expected.add("slow " + i);
        }
        assertEquals(expected, got);
        assertEquals(BoundedLineReader.MAX_CHUNK_BYTES, largest, "a burst is read in large reads");
        assertEquals(BoundedLineReader.MIN_CHUNK_BYTES, reader.chunkBytes(), "and the buffer shrinks back after it");
    }
}
