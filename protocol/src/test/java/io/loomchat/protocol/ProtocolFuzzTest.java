package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the code that meets hostile bytes first. Run by every build in regression mode, on the
 * committed inputs under src/test/resources/io/loomchat/protocol/ProtocolFuzzTestInputs/; run with
 * JAZZER_FUZZ=1 to fuzz (see docs/RELIABILITY.md).
 */
class ProtocolFuzzTest {

    private static final String TOO_LONG = "<too long>";

    /**
     * The line reader, fed in chunks of a size the input chooses, must give exactly what a simple
     * reference splitter gives: same lines, over-long ones reported once, the unterminated tail dropped.
     */
    @FuzzTest(maxDuration = "30s")
    void theLineReaderAgreesWithAReferenceSplitterWhateverTheChunking(byte[] data) throws IOException {
        if (data.length < 2) {
            return;
        }
        int max = 1 + (data[0] & 0x3f);
        int chunk = 1 + (data[1] & 0x0f);
        byte[] stream = Arrays.copyOfRange(data, 2, data.length);

        List<String> actual = new ArrayList<>();
        BoundedLineReader reader = new BoundedLineReader(chunked(stream, chunk), max);
        for (int n; (n = reader.next()) != BoundedLineReader.EOF; ) {
            if (n == BoundedLineReader.TOO_LONG) {
                actual.add(TOO_LONG);
            } else {
                assertTrue(n <= max, "a line longer than the cap was returned");
                actual.add(new String(reader.line(), 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            assertTrue(reader.line().length <= max + 1, "the reader buffered more than the cap");
        }
        assertEquals(reference(stream, max), actual);
    }

    /** Decoding any bytes yields a request or a ProtocolException, never anything else; requests round-trip. */
    @FuzzTest(maxDuration = "30s")
    @DictionaryFile(resourcePath = "/io/loomchat/protocol/protocol.dict")
    void decodingAnyBytesFailsOnlyWithAProtocolErrorAndWhatDecodesRoundTrips(byte[] data) {
        Request request;
        try {
            request = Codec.decodeRequest(data, 0, data.length);
        } catch (ProtocolException e) {
            assertTrue(e.code() != null && e.getMessage() != null && !e.getMessage().isBlank());
            return;
        }
        byte[] encoded = Codec.encode(request);
        try {
            assertEquals(request, Codec.decodeRequest(encoded, 0, encoded.length - 1));
        } catch (ProtocolException e) {
            throw new AssertionError("re-encoding " + request + " gave an undecodable line", e);
        }
    }

    private static List<String> reference(byte[] stream, int max) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < stream.length; i++) {
            if (stream[i] == '\n') {
                int end = i;
                if (end > start && stream[end - 1] == '\r') {
                    end--;
                }
                lines.add(end - start > max ? TOO_LONG
                        : new String(stream, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        // An unterminated tail is dropped, but one already over the cap was reported as soon as it crossed it.
        int tail = stream.length - start;
        if (tail > max && !(tail == max + 1 && stream[stream.length - 1] == '\r')) {
            lines.add(TOO_LONG);
        }
        return lines;
    }

    private static InputStream chunked(byte[] all, int chunk) {
        return new ByteArrayInputStream(all) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }
}
