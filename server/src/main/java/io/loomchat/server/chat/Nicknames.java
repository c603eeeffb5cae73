package io.loomchat.server.chat;

import io.loomchat.server.connection.CloseReason;
import java.io.IOException;

import io.loomchat.server.connection.Session;

import io.loomchat.protocol.Names;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds which nick. Nicks are unique by their {@link Names#skeleton}: case-insensitively, and two nicks
 * that look alike ({@code alice}, {@code aIice}, {@code a1ice}) count as one. Claims are atomic, so two
 * clients never share one.
 */
public final class Nicknames {

    private final ConcurrentHashMap<String, Session> byKey = new ConcurrentHashMap<>();
    private final NickLedger ledger; // null on a single node

    public Nicknames() {
        this(null);
    }

    /** With a {@code ledger}, a nick is also claimed there: unique across every node that shares it. */
    public Nicknames(NickLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Claims {@code nick} for {@code session}: here first, then in the ledger if there is one.
     *
     * @throws IOException if the ledger cannot be reached (nothing is claimed then)
     */
    boolean claim(String nick, Session session) throws IOException {
        return claim(nick, session, session.resumeToken(), null);
    }

    /**
     * Claims {@code nick} for a session whose resume token is {@code newToken}; in a cluster,
     * {@code presentedToken} (the client's token from before) lets it take the nick over from its own
     * earlier session on another node.
     */
    boolean claim(String nick, Session session, String newToken, String presentedToken) throws IOException {
        return claimKey(Names.skeleton(nick), session, newToken, presentedToken);
    }

    private boolean claimKey(String key, Session session, String newToken, String presentedToken) throws IOException {
        if (byKey.putIfAbsent(key, session) != null) {
            return false;
        }
        if (ledger == null) {
            return true;
        }
        boolean won = false;
        try {
            String lineage = ledger.claim(key, newToken, presentedToken, () -> session.disconnect(CloseReason.REPLACED,
                    "your nick was taken over: by your own reconnection on another node, or by someone else while "
                            + "this node was cut off from the cluster"));
            won = lineage != null;
            if (won) {
                session.setLineage(lineage);
            }
            return won;
        } finally {
            if (!won) {
                byKey.remove(key, session);
            }
        }
    }

    /** Moves {@code session} from {@code oldNick} to {@code newNick}; false if someone else holds it. */
    boolean rename(String oldNick, String newNick, Session session) throws IOException {
        String oldKey = Names.skeleton(oldNick);
        String newKey = Names.skeleton(newNick);
        if (oldKey.equals(newKey)) {
            return true; // a change of case, or of look-alike letters, only
        }
        if (!claimKey(newKey, session, session.resumeToken(), null)) {
            return false;
        }
        releaseKey(oldKey, session);
        return true;
    }

    void release(String nick, Session session) {
        releaseKey(Names.skeleton(nick), session);
    }

    private void releaseKey(String key, Session session) {
        if (byKey.remove(key, session) && ledger != null) {
            ledger.release(key);
        }
    }

    public Session find(String nick) {
        return byKey.get(Names.skeleton(nick));
    }

    int size() {
        return byKey.size();
    }
}
