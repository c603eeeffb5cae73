package io.loomchat.protocol;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Escapes, as {@code \}{@code uXXXX}, the characters that can hurt a terminal even inside a JSON string:
 * DEL, the C1 controls (U+0080-U+009F, which include a one-byte CSI), the line and paragraph separators,
 * the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the invisible characters
 * of {@link #isInvisible}. JSON already escapes
 * C0 controls. So a person reading raw protocol lines with {@code nc} never has them interpreted.
 */
final class WireEscapes extends CharacterEscapes {

    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
        ASCII[0x7F] = ESCAPE_CUSTOM;
    }

    static boolean isDangerous(int ch) {
        return ch == 0x7F
                || (ch >= 0x80 && ch <= 0x9F)
                || ch == 0x2028 || ch == 0x2029
                || (ch >= 0x202A && ch <= 0x202E)
                || (ch >= 0x2066 && ch <= 0x2069)
                || isInvisible(ch);
    }

    /**
     * Characters that take no room on screen and can hide or disguise text: the zero-width space, word
     * joiner, invisible operators and deprecated format characters, the soft hyphen, the combining
     * grapheme joiner, the Hangul and Khmer fillers, the byte-order mark, the Mongolian vowel separator,
     * the direction marks, the interlinear annotation marks, the musical formatting controls, and the tag
     * characters (U+E0000-U+E007F, which can spell hidden ASCII). Left alone: the zero-width joiner and
     * non-joiner (U+200C, U+200D) and the variation selectors, which emoji and several scripts need.
     */
    static boolean isInvisible(int ch) {
        return ch == 0x200B || ch == 0x200E || ch == 0x200F || ch == 0x061C || ch == 0x00AD || ch == 0x034F
                || (ch >= 0x2060 && ch <= 0x2064) || (ch >= 0x206A && ch <= 0x206F) || ch == 0xFEFF || ch == 0x180E
                || ch == 0x115F || ch == 0x1160 || ch == 0x3164 || ch == 0xFFA0 || ch == 0x17B4 || ch == 0x17B5
                || (ch >= 0xFFF9 && ch <= 0xFFFB) || (ch >= 0x1D173 && ch <= 0x1D17A)
                || (ch >= 0xE0000 && ch <= 0xE007F);
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return isDangerous(ch) ? new SerializedString(String.format("\\u%04X", ch)) : null;
    }
}
