package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Event.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chat message written without a generator is byte for byte the generator's line, or not written at all. */
class PlainMessageLineTest {

    private static final Instant TS = Instant.parse("2026-11-29T17:03:04.005Z");

    private static void agrees(ChatMessage m) {
        byte[] plain = PlainMessageLine.encode(m);
        byte[] generated = Codec.generated(m);
        if (plain != null) {
            assertArrayEquals(generated, plain, () -> new String(generated, StandardCharsets.UTF_8) + " vs "
                    + new String(plain, StandardCharsets.UTF_8));
        }
        assertArrayEquals(generated, Codec.encode(m));
    }

    @Test
    void everydayMessagesAreWrittenDirectlyAndEqualTheGeneratorsLine() {
        List<String> texts = List.of("hello", "", "say \"hi\" \\ back", "été à Zürich", "emoji \uD83D\uDE00 ok",
                "日本語のテキスト", "a/b <c> & 'd'", "zwj \u200D family", "x".repeat(4000));
        for (String text : texts) {
            for (boolean action : new boolean[] {false, true}) {
                for (String ref : new String[] {null, "r1", "ref with \"quote\""}) {
                    ChatMessage m = new ChatMessage(Long.MAX_VALUE - 7, "lobby", "zoë", text, action, TS, ref);
                    assertNotNull(PlainMessageLine.encode(m), text);
                    agrees(m);
                    agrees(m.asHistory());
                }
            }
        }
        assertEquals("{\"type\":\"message\",\"id\":1,\"room\":\"lobby\",\"from\":\"al\",\"text\":\"hi\","
                + "\"ts\":\"2026-11-29T17:03:04.005Z\"}\n",
                new String(Codec.encode(new ChatMessage(1, "lobby", "al", "hi", false, TS, null)), StandardCharsets.UTF_8));
    }

    @Test
    void textsTheGeneratorEscapesAreLeftToIt() {
        for (String text : List.of("tab\there", "new\nline", "del\u007F", "c1\u0085", "rlo\u202Eevil", "zws\u200B",
                "lone \uD800 high", "lone \uDC00 low", "tag \uDB40\uDC41", "bom\uFEFF")) {
            ChatMessage m = new ChatMessage(3, "lobby", "al", text, false, TS, null);
            assertNull(PlainMessageLine.encode(m), text);
            agrees(m);
        }
    }

    @Test
    void randomTextsAgreeWithTheGenerator() {
        Random random = new Random(29);
        int direct = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(6)) {
                    case 0 -> text.append((char) random.nextInt(0x80));
                    case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                    case 2 -> text.append((char) random.nextInt(0x10000));
                    case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                    default -> text.append((char) (0x20 + random.nextInt(0x5F)));
                }
            }
            ChatMessage m = new ChatMessage(n, "room", "nick", text.toString(), n % 3 == 0, TS, n % 2 == 0 ? null : "r" + n);
            if (PlainMessageLine.encode(m) != null) {
                direct++;
            }
            agrees(m);
        }
        assertTrue(direct > 5_000, "most random texts are written directly: " + direct);
    }

    @Test
    void aRefAddedToSharedBytesEqualsTheMessageEncodedWithIt() {
        ChatMessage m = new ChatMessage(9, "lobby", "al", "hi", false, TS, null);
        for (String ref : List.of("r-1", "with \"quote\"", "é", "tab\t")) {
            assertArrayEquals(Codec.generated(m.withRef(ref)), Codec.withRef(Codec.encode(m), ref), ref);
        }
    }
}
