package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SafeTextTest {

    @Test
    void plainTextIsReturnedUntouched() {
        String text = "hello, wörld 🙂";
        assertSame(text, SafeText.neutralize(text));
    }

    @Test
    void escapeSequencesBecomeVisibleAndInert() {
        assertEquals("^[[2J^[[31mred", SafeText.neutralize("\u001b[2J\u001b[31mred"));
        assertEquals("^[]0;pwned^G", SafeText.neutralize("\u001b]0;pwned\u0007"));
        assertEquals("^[]52;c;ZXZpbA==^G", SafeText.neutralize("\u001b]52;c;ZXZpbA==\u0007"));
    }

    @Test
    void c1ControlsDeleteAndBidiOverridesAreShownAsCodePoints() {
        assertEquals("<U+009B>2J", SafeText.neutralize("\u009b2J"));
        assertEquals("a^?b", SafeText.neutralize("a\u007fb"));
        assertEquals("evil<U+202E>txt.exe", SafeText.neutralize("evil\u202etxt.exe"));
        assertEquals("<U+2066>x<U+2069>", SafeText.neutralize("\u2066x\u2069"));
    }

    @Test
    void newlinesAndCarriageReturnsCannotForgeALine() {
        assertEquals("hi^M^J12:00 <admin> fake", SafeText.neutralize("hi\r\n12:00 <admin> fake"));
    }

    @org.junit.jupiter.api.Test
    void invisibleCharactersBeyondTheBasicPlaneShowToo() {
        org.junit.jupiter.api.Assertions.assertEquals("a<U+E0041>b<U+00AD>c\ud83d\ude00",
                SafeText.neutralize("a\udb40\udc41b\u00adc\ud83d\ude00"));
        org.junit.jupiter.api.Assertions.assertTrue(new String(Codec.encode(new Event.ChatMessage(1, "r", "a",
                "x\udb40\udc41\u3164y", false, java.time.Instant.EPOCH, null)), java.nio.charset.StandardCharsets.UTF_8)
                .contains("x\\uDB40\\uDC41\\u3164y"));
    }
}
