package io.loomchat.server.chat;

import io.loomchat.protocol.Names;
import io.loomchat.server.guard.Digest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What ended sessions leave for a client that comes back: the lines they acknowledged, by ref, under their
 * resume token, for a while. So a client that re-sends its unacknowledged lines after reconnecting is not
 * said twice even when the server noticed the lost connection before the client returned.
 *
 * <p>Keyed by a SHA-256 digest of the token, so that neither the map nor its timing holds the secret.
 */
public final class Resumptions {

    /** How long an ended session's acknowledgements wait for its client: the client's reconnect window. */
    static final Duration KEPT_FOR = Duration.ofMinutes(5);
    /** A bound on memory, whatever the churn: the oldest are dropped first. */
    static final int MAX_KEPT = 10_000;

    private record Leftover(String nickKey, Map<String, Acked> acks, Instant until) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, Leftover> byToken = new ConcurrentHashMap<>();

    public Resumptions(Clock clock) {
        this.clock = clock;
    }

    /** Called as a registered session ends. */
    void keep(String token, String nick, Map<String, Acked> acks) {
        if (token == null || acks.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (byToken.size() >= MAX_KEPT) {
            prune(now);
        }
        byToken.put(digest(token), new Leftover(Names.skeleton(nick), acks, now.plus(KEPT_FOR)));
    }

    /** The acknowledgements left under {@code token} by a session of {@code nick}; taken once. */
    Map<String, Acked> take(String token, String nick) {
        Leftover left = byToken.remove(digest(token));
        if (left == null || !left.nickKey().equals(Names.skeleton(nick)) || !clock.instant().isBefore(left.until())) {
            return Map.of();
        }
        return left.acks();
    }

    public int size() {
        return byToken.size();
    }

    private void prune(Instant now) {
        for (Iterator<Leftover> it = byToken.values().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().until())) {
                it.remove();
            }
        }
        // Still full of live ones: drop the soonest to expire, i.e. the oldest.
        while (byToken.size() >= MAX_KEPT) {
            byToken.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.comparing(Leftover::until)))
                    .ifPresent(oldest -> byToken.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    private static String digest(String token) {
        return HexFormat.of().formatHex(Digest.sha256(token)); // tokens are ASCII: UTF-8 is the same bytes
    }
}
