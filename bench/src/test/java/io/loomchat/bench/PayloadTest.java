package io.loomchat.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadTest {

    private static boolean parse(String line, long[] out) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        return Payload.parse(b, b.length, out);
    }

    @Test
    void aPayloadIsFoundInEveryPeersFraming() {
        String payload = new String(Payload.make(42, 123456789L, 7), StandardCharsets.ISO_8859_1);
        assertEquals(Payload.SIZE, payload.length());
        for (String line : List.of(
                "{\"type\":\"message\",\"id\":3,\"room\":\"lobby\",\"from\":\"s\",\"text\":\"" + payload + "\",\"ts\":\"x\"}",
                "<user5> " + payload,
                payload)) {
            long[] out = new long[3];
            assertTrue(parse(line, out), line);
            assertArrayEquals(new long[] {42, 123456789L, 7}, out);
        }
    }

    @Test
    void negativeSenderAndLinesWithoutPayloadAreHandled() {
        long[] out = new long[3];
        String payload = new String(Payload.make(1, 2, -1), StandardCharsets.ISO_8859_1);
        assertTrue(parse(payload, out));
        assertEquals(-1, out[2]);
        assertFalse(parse("MSG chat 1 100", out));
        assertFalse(parse("{\"type\":\"joined\",\"nick\":\"r1\"}", out));
        assertFalse(parse("~12 34<user5> 56 xx", out), "a line ncat garbled inside the numbers is not counted");
    }

    @Test
    void statsGiveMedianAndRange() {
        Map<String, Map<String, Double>> s = Stats.summarize(List.of(Map.of("x", 3.0), Map.of("x", 1.0), Map.of("x", 2.0)));
        assertEquals(2.0, s.get("x").get("median"));
        assertEquals(1.0, s.get("x").get("min"));
        assertEquals(3.0, s.get("x").get("max"));
    }
}
