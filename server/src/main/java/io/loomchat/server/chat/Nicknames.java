package io.loomchat.server.chat;

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

    boolean claim(String nick, Session session) {
        return byKey.putIfAbsent(Names.skeleton(nick), session) == null;
    }

    /** Moves {@code session} from {@code oldNick} to {@code newNick}; false if someone else holds it. */
    boolean rename(String oldNick, String newNick, Session session) {
        String oldKey = Names.skeleton(oldNick);
        String newKey = Names.skeleton(newNick);
        if (oldKey.equals(newKey)) {
            return true; // a change of case, or of look-alike letters, only
        }
        if (byKey.putIfAbsent(newKey, session) != null) {
            return false;
        }
        byKey.remove(oldKey, session);
        return true;
    }

    void release(String nick, Session session) {
        byKey.remove(Names.skeleton(nick), session);
    }

    public Session find(String nick) {
        return byKey.get(Names.skeleton(nick));
    }

    int size() {
        return byKey.size();
    }
}
