package io.loomchat.cli.screen;

import java.util.Locale;

/**
 * A color for each nick, the same in every client (a hash of the nick's lower-case form), from a palette
 * that is readable on dark and light backgrounds alike and has no two colors a person could mistake for
 * each other: no black, white, grey or dark blue, and not both a color and its bright twin (red 31 next to
 * bright red 91 looked like one color).
 */
public final class NickColors {

    /**
     * 256 colors: thirteen hues around the wheel from the 6x6x6 cube, none too dark for a black background
     * nor too light for a white one, in an order that puts neighbouring hues far apart.
     */
    static final int[] COLORS_256 = {160, 36, 135, 172, 31, 163, 70, 62, 26, 128, 100, 28, 168};
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
        return palette[Math.floorMod(nick.toLowerCase(Locale.ROOT).hashCode(), palette.length)];
    }
}
