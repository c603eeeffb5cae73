package io.loomchat.server.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What lets one client's session be resumed by the next: its resume token, and the refs of the lines it
 * acknowledged (its own and those it inherited from the session it replaced), so that a line re-sent after
 * a reconnect is acknowledged again instead of said twice. Owned by its session's read loop; a successor
 * reads it only after the session has let go of its rooms and nick.
 */
final class ResumeState {

    /** Acknowledged refs remembered per connection for deduplicating resent lines after a resume. */
    static final int ACKS_KEPT = 64;
    private static final SecureRandom TOKENS = newTokenSource();

    private volatile byte[] token; // set by hello; lets the same client replace this session later
    private volatile boolean handedOver; // a successor took its acknowledgements
    private final Map<String, Acked> acks = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Acked> eldest) {
            return size() > ACKS_KEPT;
        }
    };
    private Map<String, Acked> inherited = Map.of();

    /** A fresh resume token, sent to the client in its welcome. */
    String newToken() {
        byte[] raw = new byte[18];
        TOKENS.nextBytes(raw);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        token = encoded.getBytes(StandardCharsets.US_ASCII);
        return encoded;
    }

    /** The token, or null before hello. */
    String token() {
        byte[] mine = token;
        return mine == null ? null : new String(mine, StandardCharsets.US_ASCII);
    }

    /** Whether {@code candidate} is this session's token; compared in constant time. */
    boolean matches(String candidate) {
        byte[] mine = token;
        return mine != null && MessageDigest.isEqual(mine, candidate.getBytes(StandardCharsets.US_ASCII));
    }

    /** A successor takes over: the acknowledgements go to it, not to the server's leftovers. */
    void handOver() {
        handedOver = true;
    }

    boolean handedOver() {
        return handedOver;
    }

    /**
     * The latest {@link #ACKS_KEPT} acknowledgements, its own after those it inherited, so that a client
     * that reconnects again and again does not pile them up.
     */
    Map<String, Acked> allAcks() {
        Map<String, Acked> all = new LinkedHashMap<>(inherited);
        all.putAll(acks);
        var oldest = all.keySet().iterator();
        for (int surplus = all.size() - ACKS_KEPT; surplus > 0; surplus--) {
            oldest.next();
            oldest.remove();
        }
        return all;
    }

    void inherit(Map<String, Acked> fromPredecessor) {
        inherited = fromPredecessor;
    }

    /** The message or private message a predecessor sent for {@code ref}, if this line is resent after a resume. */
    Acked resentLine(String ref) {
        return ref == null ? null : inherited.get(ref);
    }

    void acknowledged(String ref, Acked message) {
        if (ref != null) {
            acks.put(ref, message);
        }
    }

    /** DRBG: CPU only, so drawing a token never waits on a device while holding the generator's lock. */
    private static SecureRandom newTokenSource() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
