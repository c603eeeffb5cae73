package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The nick palettes: readable on dark and light backgrounds, no two colors alike, stable per nick. */
class NickColorsTest {

    /** The RGB of a color of the 256-color cube (16-231). */
    private static int[] rgb(int color) {
        int c = color - 16;
        int[] steps = {0, 95, 135, 175, 215, 255};
        return new int[] {steps[c / 36], steps[c / 6 % 6], steps[c % 6]};
    }

    @Test
    void thePaletteFollowsWhatTheTerminalCanShow() {
        assertArrayEquals(NickColors.COLORS_256, NickColors.palette(256));
        assertArrayEquals(NickColors.COLORS_16, NickColors.palette(16));
        assertArrayEquals(NickColors.COLORS_8, NickColors.palette(8));
        assertArrayEquals(NickColors.COLORS_8, NickColors.palette(0), "no colors said: the safe eight");
    }

    @Test
    void sixteenColorsHoldNoColorWithItsBrightTwinNorBlackWhiteOrGrey() {
        Set<Integer> hues = new HashSet<>();
        for (int c : NickColors.COLORS_16) {
            assertTrue(hues.add(c % 8), "color " + c + " and its twin " + (c ^ 8) + " look alike");
            assertFalse(Set.of(0, 7, 8, 15, 4).contains(c), "black, white, grey or dark blue: " + c);
        }
        for (int c : NickColors.COLORS_8) {
            assertFalse(c == 0 || c == 7, "black or white: " + c);
        }
    }

    @Test
    void twoHundredFiftySixColorsAreMidToneCubeColorsAllDistinct() {
        Set<Integer> seen = new HashSet<>();
        for (int c : NickColors.COLORS_256) {
            assertTrue(c >= 16 && c <= 231, "from the color cube, not the greys: " + c);
            assertTrue(seen.add(c));
            int[] rgb = rgb(c);
            double luma = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
            assertTrue(luma > 40 && luma < 160, "readable on black and on white: " + c + " luma " + luma);
        }
        for (int i = 0; i < NickColors.COLORS_256.length; i++) {
            for (int j = i + 1; j < NickColors.COLORS_256.length; j++) {
                int[] a = rgb(NickColors.COLORS_256[i]);
                int[] b = rgb(NickColors.COLORS_256[j]);
                int distance = Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
                assertTrue(distance >= 100, "colors " + NickColors.COLORS_256[i] + " and " + NickColors.COLORS_256[j] + " are too alike");
            }
        }
    }

    @Test
    void aNickHasOneColorWhateverItsCaseAndNicksSpreadOverTheWholePalette() {
        int[] palette = NickColors.palette(256);
        assertEquals(NickColors.of("Alice", palette), NickColors.of("alice", palette));
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            used.add(NickColors.of("user" + i, palette));
        }
        assertEquals(Arrays.stream(palette).boxed().collect(java.util.stream.Collectors.toSet()), used);
    }

    @Test
    void theUsualNicksAllDifferInTwoHundredFiftySixColors() {
        int[] palette = NickColors.palette(256);
        List<String> nicks = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi");
        Set<Integer> colors = new HashSet<>();
        for (String nick : nicks) {
            colors.add(NickColors.of(nick, palette));
        }
        assertEquals(nicks.size(), colors.size(), "one color each");
        assertEquals(3, Set.of(NickColors.of("alice", palette), NickColors.of("bob", palette), NickColors.of("walter", palette)).size());
        assertTrue(NickColors.COLORS_256.length >= 19, "enough colors that a room of 16 rarely shares one");
    }
}
