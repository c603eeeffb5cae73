package io.loomchat.server.chat;

import io.loomchat.protocol.Names;
import io.loomchat.server.delivery.CloseReason;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds which nick, and the only writer of a client's nick. Nicks are unique by their
 * {@link Names#skeleton}: case-insensitively, and two nicks that look alike ({@code alice}, {@code aIice},
 * {@code a1ice}) count as one. Claims are atomic, so two clients never share one.
 */
public final class Nicknames {

    private final ConcurrentHashMap<String, Client> byKey = new ConcurrentHashMap<>();
    private final NickLedger ledger; // null on a single node

    public Nicknames() {
        this(null);
    }

    /** With a {@code ledger}, a nick is also claimed there: unique across every node that shares it. */
    public Nicknames(NickLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Claims {@code nick} for {@code client}, here first, then in the ledger if there is one, and names the
     * client so. Its resume token is now {@code newToken}; in a cluster,
     * {@code presentedToken} (the client's token from before) lets it take the nick over from its own
     * earlier connection on another node.
     *
     * @throws IOException if the ledger cannot be reached (nothing is claimed then)
     */
    boolean claim(String nick, Client client, String newToken, String presentedToken) throws IOException {
        if (!claimKey(Names.skeleton(nick), client, newToken, presentedToken)) {
            return false;
        }
        client.setNick(nick);
        return true;
    }

    private boolean claimKey(String key, Client client, String newToken, String presentedToken) throws IOException {
        if (byKey.putIfAbsent(key, client) != null) {
            return false;
        }
        if (ledger == null) {
            return true;
        }
        boolean won = false;
        try {
            String lineage = ledger.claim(key, newToken, presentedToken, () -> client.disconnect(CloseReason.REPLACED,
                    "your nick was taken over: by your own reconnection on another node, or by someone else while "
                            + "this node was cut off from the cluster"));
            won = lineage != null;
            if (won) {
                client.setLineage(lineage);
            }
            return won;
        } finally {
            if (!won) {
                byKey.remove(key, client);
            }
        }
    }

    /** Moves {@code client} from {@code oldNick} to {@code newNick}; false if someone else holds it. */
    boolean rename(String oldNick, String newNick, Client client) throws IOException {
        String oldKey = Names.skeleton(oldNick);
        String newKey = Names.skeleton(newNick);
        if (!oldKey.equals(newKey)) { // else a change of case, or of look-alike letters, only
            if (!claimKey(newKey, client, client.resumeToken(), null)) {
                return false;
            }
            releaseKey(oldKey, client);
        }
        client.setNick(newNick);
        return true;
    }

    void release(String nick, Client client) {
        releaseKey(Names.skeleton(nick), client);
    }

    private void releaseKey(String key, Client client) {
        if (byKey.remove(key, client) && ledger != null) {
            ledger.release(key);
        }
    }

    public Client find(String nick) {
        return byKey.get(Names.skeleton(nick));
    }

    int size() {
        return byKey.size();
    }
}
