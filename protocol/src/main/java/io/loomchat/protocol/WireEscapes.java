package io.loomchat.protocol;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Escapes, as {@code \}{@code uXXXX}, the characters that can hurt a terminal even inside a JSON string:
 * DEL, the C1 controls (U+0080-U+009F, which include a one-byte CSI), the line and paragraph separators,
 * and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069). JSON already escapes
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
                || (ch >= 0x2066 && ch <= 0x2069);
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
