package io.loomchat.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** How long a ban or mute is said to last, as the operator and the muted person read it. */
class ModerationTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static String toldAfter(Duration length, Duration elapsed) {
        Moderation.Sanction sanction = new Moderation(Clock.fixed(NOW, ZoneOffset.UTC)).sanction(length, null, "op");
        return new Moderation(Clock.fixed(NOW.plus(elapsed), ZoneOffset.UTC)).left(sanction);
    }

    @Test
    void theTimeLeftIsRoundedNotCutDown() {
        Duration moments = Duration.ofMillis(3);
        assertEquals("for 10 min more", toldAfter(Duration.ofMinutes(10), moments));
        assertEquals("for 24 h more", toldAfter(Duration.ofDays(1), moments));
        assertEquals("for 7 d more", toldAfter(Duration.ofDays(7), moments));
        assertEquals("for 90 s more", toldAfter(Duration.ofSeconds(90), moments));
        assertEquals("for 31 min more", toldAfter(Duration.ofHours(1), Duration.ofMinutes(29).plusSeconds(10)));
        assertEquals("until the server restarts", toldAfter(Duration.ZERO, moments));
    }
}
