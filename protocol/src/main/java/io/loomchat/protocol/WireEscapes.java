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
     * joiner and invisible operators, the byte-order mark, the Mongolian vowel separator, and the
     * direction marks. The zero-width joiner and non-joiner (U+200C, U+200D) are left alone: emoji
     * sequences and several scripts need them.
     */
    static boolean isInvisible(int ch) {
        return ch == 0x200B || ch == 0x200E || ch == 0x200F || ch == 0x061C
                || (ch >= 0x2060 && ch <= 0x2064) || ch == 0xFEFF || ch == 0x180E;
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
