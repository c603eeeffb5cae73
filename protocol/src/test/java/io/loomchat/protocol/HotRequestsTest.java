package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The streaming path for the common requests answers exactly as the full path, or not at all. */
class HotRequestsTest {

    private static final List<String> LINES = List.of(
            "{\"type\":\"say\",\"text\":\"hello\"}",
            "{\"type\":\"say\",\"text\":\"hello\",\"ref\":\"r1\",\"room\":\"dev\",\"action\":true}",
            "{\"text\":\"type last\",\"type\":\"say\"}",
            "{\"type\":\"say\",\"text\":\"\\u00e9t\\u00e9 \\ud83d\\ude00 \\\"quoted\\\"\",\"action\":null,\"room\":null,\"ref\":null}",
            "  {\"type\":\"msg\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"m\"}  ",
            "{\"type\":\"ping\",\"ref\":\"p\"}", "{\"type\":\"pong\"}",
            // not common, or wrong: the full path decides
            "{\"type\":\"say\"}", "{\"type\":\"say\",\"text\":42}", "{\"type\":\"say\",\"text\":\"a\",\"text\":\"b\"}",
            "{\"type\":\"say\",\"text\":\"a\",\"extra\":{\"nested\":1}}", "{\"type\":\"say\",\"text\":\"a\"} {}",
            "{\"type\":\"say\",\"text\":\"\\ud800\"}", "{\"type\":\"say\",\"text\":\"a\",\"ref\":\"" + "r".repeat(65) + "\"}",
            "{\"type\":\"msg\",\"text\":\"no one\"}", "{\"type\":\"ping\",\"text\":\"x\"}", "{\"type\":\"join\",\"room\":\"dev\"}",
            "{\"type\":\"say\",\"text\":\"a\",\"action\":\"yes\"}", "[1,2]", "{}", "{\"type\":null}", "{\"type\":\"say\",\"text\":\"a\"",
            "{\"type\":\"say\",\"text\":\"a\",\"to\":\"bob\"}");

    /** What the full path gives: the request, or the error's code and message. */
    private static Object full(byte[] line) {
        try {
            return Decoding.toRequest(Decoding.parseObject(line, 0, line.length));
        } catch (ProtocolException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    private static int checkAgreement(byte[] line) {
        try {
            Decoding.checkUtf8(line, 0, line.length);
        } catch (ProtocolException e) {
            return 0; // never reaches either path
        }
        Request plain = PlainRequestScan.decode(line, 0, line.length);
        if (plain != null) {
            assertEquals(full(line), plain, "plain scan: " + new String(line, StandardCharsets.UTF_8));
        }
        Request hot = HotRequests.decode(line, 0, line.length);
        if (hot == null) {
            assertNull(plain, "the plain scan answered where the streaming path did not");
            return 0;
        }
        assertEquals(full(line), hot, new String(line, StandardCharsets.UTF_8));
        return 1;
    }

    private static Request hot(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return HotRequests.decode(bytes, 0, bytes.length);
    }

    @Test
    void theCommonLinesTakeTheStreamingPathAndDecodeAsTheFullPathDoes() {
        int hot = 0;
        for (String line : LINES) {
            hot += checkAgreement(line.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(7, hot, "the seven well-formed common lines take the streaming path, nothing else");
        assertNotNull(hot("{\"type\":\"say\",\"text\":\"hello\"}"));
        assertNull(hot("{\"type\":\"say\",\"text\":42}"));
        // Within a larger buffer, as the line reader hands lines over.
        byte[] buffer = "xx{\"type\":\"pong\"}yy".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Request.Pong(null), HotRequests.decode(buffer, 2, buffer.length - 4));
    }

    @Test
    void plainLinesNeedNoParserAtAll() {
        List<String> plain = List.of(
                "{\"type\":\"say\",\"text\":\"hello\"}",
                "{\"type\":\"say\",\"text\":\"h\u00e9llo \ud83d\ude00\",\"ref\":\"r1\",\"room\":\"dev\",\"action\":true}",
                " { \"type\" : \"msg\" , \"to\":\"bob\",\"text\":\"psst\",\"action\":false } ",
                "{\"type\":\"ping\",\"ref\":\"p\"}", "{\"type\":\"pong\"}");
        for (String line : plain) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Request scanned = PlainRequestScan.decode(bytes, 0, bytes.length);
            assertNotNull(scanned, line);
            assertEquals(full(bytes), scanned, line);
        }
        for (String line : List.of("{\"type\":\"say\",\"text\":\"a\\nb\"}", "{\"type\":\"say\",\"text\":null}",
                "{\"type\":\"say\",\"text\":\"a\",\"text\":\"b\"}", "{\"type\":\"say\",\"text\":\"a\",\"action\":truex}",
                "{\"type\":\"say\",\"text\":\"a\"}x", "{\"type\":\"say\",\"text\":\"a\",}", "{\"type\":\"say\",\"txt\":\"a\"}",
                "{\"type\":\"say\",\"text\":\"a\tb\"}")) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertNull(PlainRequestScan.decode(bytes, 0, bytes.length), line);
        }
    }

    @Test
    void everyFuzzCorpusLineDecodesTheSameOnBothPaths() throws IOException, URISyntaxException {
        Path corpus = Path.of(getClass().getResource("ProtocolFuzzTestInputs").toURI());
        List<Path> inputs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(corpus)) {
            files.filter(Files::isRegularFile).forEach(inputs::add);
        }
        assertTrue(inputs.size() > 300, "the corpus is there: " + inputs.size());
        int hot = 0;
        for (Path input : inputs) {
            byte[] bytes = Files.readAllBytes(input);
            // Each corpus input may hold several lines; each is a candidate request.
            int start = 0;
            for (int i = 0; i <= bytes.length; i++) {
                if (i == bytes.length || bytes[i] == '\n') {
                    hot += checkAgreement(java.util.Arrays.copyOfRange(bytes, start, i));
                    start = i + 1;
                }
            }
        }
        assertTrue(hot > 0, "some corpus lines take the streaming path");
    }
}
