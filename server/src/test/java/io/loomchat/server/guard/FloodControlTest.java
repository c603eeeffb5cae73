package io.loomchat.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ManualClock;
import io.loomchat.server.config.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The token bucket on virtual time. */
class FloodControlTest {

    private final ManualClock clock = new ManualClock();

    private FloodControl flood(double rate, int burst, int disconnectAfter) {
        return new FloodControl(ServerConfig.defaults().toBuilder().floodLinesPerSecond(rate).floodBurst(burst)
                .floodDisconnectAfter(disconnectAfter).build(), clock);
    }

    @Test
    void aBurstGoesThroughThenTheRateApplies() {
        FloodControl flood = flood(5, 20, 100);
        for (int i = 0; i < 20; i++) {
            assertTrue(flood.allow(), "line " + i + " of the burst");
        }
        assertFalse(flood.allow());
        assertEquals(200, flood.millisUntilNext(), "one line every 200 ms at 5 a second");
        clock.advance(Duration.ofMillis(200));
        assertTrue(flood.allow());
        assertFalse(flood.allow());
        clock.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) {
            assertTrue(flood.allow(), "the bucket refills to the burst, no further");
        }
        assertFalse(flood.allow());
    }

    @Test
    void refusalsInARowAndPerMinuteAreCounted() {
        FloodControl flood = flood(1, 1, 5);
        assertTrue(flood.allow());
        for (int i = 1; i <= 4; i++) {
            assertFalse(flood.allow());
            assertEquals(i, flood.refusedInARow());
            assertFalse(flood.persistent());
        }
        assertFalse(flood.allow());
        assertTrue(flood.persistent(), "five refusals within the minute");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(flood.allow());
        assertEquals(0, flood.refusedInARow());
    }
}
