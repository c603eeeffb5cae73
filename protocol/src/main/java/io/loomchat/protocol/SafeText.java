package io.loomchat.protocol;

/**
 * Makes text from other people safe to put on a terminal: nothing in it can move the cursor, recolor,
 * clear the screen, set the title, write the clipboard (OSC 52) or reorder the line (bidi overrides).
 * Control characters become visible caret or {@code <U+XXXX>} forms instead of vanishing, so a reader
 * sees that something was there.
 */
public final class SafeText {

    private SafeText() {
    }

    public static String neutralize(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && !isUnsafe(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        if (i >= n) {
            return text; // the common case: nothing to do, no copy
        }
        StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
        while (i < n) {
            int c = text.codePointAt(i);
            if (!isUnsafe(c)) {
                out.appendCodePoint(c);
            } else if (c < 0x20) {
                out.append('^').append((char) (c + 0x40)); // ESC shows as ^[, BEL as ^G
            } else if (c == 0x7F) {
                out.append("^?");
            } else {
                out.append("<U+").append(String.format("%04X", c)).append('>');
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    static boolean isUnsafe(int c) {
        return c < 0x20 || WireEscapes.isDangerous(c) || (c >= 0xD800 && c <= 0xDFFF); // a lone surrogate too
    }
}
