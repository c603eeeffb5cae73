package io.loomchat.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refusal log stays a few lines a minute however many refusals there are. */
class RefusalLogTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> lines = new ArrayList<>();
    private final RefusalLog log = new RefusalLog(lines::add, clock);

    @Test
    void theFirstRefusalIsLoggedAtOnceAndTheRestOncePerIntervalWithTheirCount() throws Exception {
        InetAddress scanner = InetAddress.getByName("10.0.0.9");
        for (int i = 0; i < 5_612; i++) {
            log.refused("the chat port", scanner, "throttled", "(connects-per-address-per-minute=120)");
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.getFirst().startsWith("refused 10.0.0.9 on the chat port: throttled (connects-per-address-per-minute=120)"),
                lines.getFirst());
        clock.advance(Duration.ofSeconds(59));
        log.flush();
        assertEquals(1, lines.size(), "nothing more within the interval: " + lines);
        clock.advance(Duration.ofSeconds(2));
        log.flush();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("refused 10.0.0.9 on the chat port 5,611 more time(s) in the last 61 s: throttled", lines.get(1));
        // A whole quiet interval: forgotten, so that its next refusal is news again.
        clock.advance(Duration.ofSeconds(61));
        log.flush();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(0, log.tallied());
        log.refused("the chat port", scanner, "throttled", "");
        assertEquals(3, lines.size(), lines.toString());
    }

    @Test
    void manyAddressesAreSummedUpPastTheCap() throws Exception {
        for (int i = 0; i < RefusalLog.MAX_ADDRESSES + 3_000; i++) {
            byte[] v6 = new byte[16];
            v6[0] = 0x20;
            v6[1] = 0x01;
            v6[14] = (byte) (i >> 8);
            v6[15] = (byte) i;
            log.refused("the web port", InetAddress.getByAddress(v6), "too_many_connections", "");
        }
        assertEquals(RefusalLog.MAX_ADDRESSES + 1, lines.size(), "one line per address up to the cap, then one for the rest");
        assertTrue(lines.getLast().startsWith("refused other addresses on the web port"), lines.getLast());
        assertEquals(RefusalLog.MAX_ADDRESSES + 1, log.tallied());
        clock.advance(Duration.ofSeconds(61));
        log.flush();
        assertEquals("refused other addresses on the web port 2,999 more time(s) in the last 61 s: too_many_connections",
                lines.getLast());
    }
}
