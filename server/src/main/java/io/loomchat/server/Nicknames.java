package io.loomchat.server;

import io.loomchat.protocol.Names;
import java.util.concurrent.ConcurrentHashMap;

/** Who holds which nick. Nicks are unique case-insensitively; claims are atomic, so two clients never share one. */
final class Nicknames {

    private final ConcurrentHashMap<String, Session> byKey = new ConcurrentHashMap<>();

    boolean claim(String nick, Session session) {
        return byKey.putIfAbsent(Names.key(nick), session) == null;
    }

    /** Moves {@code session} from {@code oldNick} to {@code newNick}; false if someone else holds it. */
    boolean rename(String oldNick, String newNick, Session session) {
        String oldKey = Names.key(oldNick);
        String newKey = Names.key(newNick);
        if (oldKey.equals(newKey)) {
            return true; // a change of case only
        }
        if (byKey.putIfAbsent(newKey, session) != null) {
            return false;
        }
        byKey.remove(oldKey, session);
        return true;
    }

    void release(String nick, Session session) {
        byKey.remove(Names.key(nick), session);
    }

    Session find(String nick) {
        return byKey.get(Names.key(nick));
    }

    int size() {
        return byKey.size();
    }
}
