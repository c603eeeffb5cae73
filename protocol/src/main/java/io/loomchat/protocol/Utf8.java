package io.loomchat.protocol;

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF, and,
 * for this protocol, no NUL. Lenient decoders turn an overlong {@code C0 AF} into {@code /} or
 * {@code C0 9B} into ESC, a classic way past filters that look at the bytes.
 */
final class Utf8 {

    private Utf8() {
    }

    /** The index of the first byte that is not valid UTF-8 (or is NUL), or -1 if all are. */
    static int firstInvalid(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int b = buf[i] & 0xFF;
            if (b >= 0x01 && b < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            int cp;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                min = 0x80;
                cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                min = 0x800;
                cp = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                min = 0x10000;
                cp = b & 0x07;
            } else {
                return i; // NUL, a continuation byte out of place, C0/C1 (always overlong), F5-FF
            }
            if (i + need >= end) {
                return i; // cut short
            }
            for (int k = 1; k <= need; k++) {
                int c = buf[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }
}
