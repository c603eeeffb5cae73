package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.cli.connection.Backoff;
import io.loomchat.protocol.NickColors;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffAndMentionTest {

    @Test
    void reconnectWaitsDoubleUpToTheCapWithJitterInTheUpperHalf() {
        Backoff backoff = Backoff.standard(20);
        long[] steps = {250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000};
        for (int attempt = 1; attempt <= steps.length; attempt++) {
            for (int draw = 0; draw < 200; draw++) {
                long wait = backoff.before(attempt).toMillis();
                long step = steps[attempt - 1];
                assertTrue(wait >= step / 2 && wait <= step, "attempt " + attempt + " waited " + wait + " ms");
            }
        }
        assertEquals(Duration.ofSeconds(15), Backoff.MAX);
    }

    @Test
    void aMentionIsTheNickAsAWordInAnyCase() {
        assertTrue(io.loomchat.cli.chat.Emphasis.mentions("alice: lunch?", "alice"));
        assertTrue(io.loomchat.cli.chat.Emphasis.mentions("ask ALICE about it", "alice"));
        assertTrue(io.loomchat.cli.chat.Emphasis.mentions("thanks, alice!", "alice"));
        assertFalse(io.loomchat.cli.chat.Emphasis.mentions("malice aforethought", "alice"));
        assertFalse(io.loomchat.cli.chat.Emphasis.mentions("alice_2 is not me", "alice"));
        assertFalse(io.loomchat.cli.chat.Emphasis.mentions("anything", null));
    }

    @Test
    void aNickKeepsItsColorWhateverItsCase() {
        assertEquals(NickColors.of("Bob", NickColors.palette(256)), NickColors.of("bob", NickColors.palette(256)));
    }
}
