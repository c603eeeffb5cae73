package io.loomchat.protocol;

import java.util.Locale;

/**
 * A color for each nick, the same in every client (a well-mixed hash of the nick's lower-case form), from a palette
 * that is readable on dark and light backgrounds alike and has no two colors a person could mistake for
 * each other: no black, white, grey or dark blue, and not both a color and its bright twin (red 31 next to
 * bright red 91 looked like one color).
 */
public final class NickColors {

    /**
     * 256 colors: nineteen saturated colors of the 6x6x6 cube, none too dark for a black background nor
     * too light for a white one, each at least 100 apart (summed RGB steps) from every other: as many as
     * fit (thirteen made colors collide among a handful of nicks), in an order that puts neighbouring hues
     * far apart.
     */
    public static final int[] COLORS_256 = {167, 35, 171, 208, 24, 125, 70, 69, 205, 22, 93, 196, 38, 201, 130, 27, 198, 40, 98};
    /** 16 colors: one of each pair (red, green, yellow, magenta, cyan), and the bright blue that dark blue is not. */
    static final int[] COLORS_16 = {1, 2, 3, 5, 6, 12};
    /** 8 colors: the six that are neither black nor white. */
    static final int[] COLORS_8 = {1, 2, 3, 4, 5, 6};

    private NickColors() {
    }

    /** The palette for a terminal with {@code maxColors} colors (JLine's max_colors capability). */
    public static int[] palette(int maxColors) {
        return maxColors >= 256 ? COLORS_256 : maxColors >= 16 ? COLORS_16 : COLORS_8;
    }

    /** The color of {@code nick} in {@code palette}. */
    public static int of(String nick, int[] palette) {
        return palette[Integer.remainderUnsigned(hash(nick), palette.length)];
    }

    /**
     * FNV-1a over the nick's lower-case code points, then murmur3's finalizer: String.hashCode() of short
     * nicks differing in a letter or two lands on few residues (alice, bob and walter shared one color).
     */
    static int hash(String nick) {
        int h = 0x811c9dc5;
        for (int cp : nick.toLowerCase(Locale.ROOT).codePoints().toArray()) {
            h ^= cp;
            h *= 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
