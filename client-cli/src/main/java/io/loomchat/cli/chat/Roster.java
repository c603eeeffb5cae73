package io.loomchat.cli.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.Renamed;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is in each room, kept current from the server's notices: for scripts that wait for company and for
 * tab completion. Nicks are compared case-insensitively and shown as their owners write them.
 */
final class Roster {

    private final Map<String, Set<String>> members = new HashMap<>(); // room -> nick keys
    private final Map<String, String> written = new HashMap<>(); // nick key -> nick as written
    private final Map<String, Map<String, Boolean>> since = new HashMap<>(); // room -> joins (true) and leaves since its last who answer

    void track(Event event) {
        switch (event) {
            case Members m -> {
                Set<String> nicks = new HashSet<>();
                m.nicks().forEach(n -> nicks.add(remember(n)));
                // A who answer can be older than the joins and leaves that overtook it (in a cluster the
                // answer waits for the other nodes): those stand.
                Map<String, Boolean> overtaking = since.remove(m.room());
                if (overtaking != null) {
                    overtaking.forEach((nick, present) -> {
                        if (present) {
                            nicks.add(nick);
                        } else {
                            nicks.remove(nick);
                        }
                    });
                }
                members.put(m.room(), nicks);
            }
            case Joined j -> {
                String key = remember(j.nick());
                members.computeIfAbsent(j.room(), r -> new HashSet<>()).add(key);
                since.computeIfAbsent(j.room(), r -> new HashMap<>()).put(key, true);
            }
            case Left l -> {
                String key = l.nick().toLowerCase(Locale.ROOT);
                members.computeIfAbsent(l.room(), r -> new HashSet<>()).remove(key);
                since.computeIfAbsent(l.room(), r -> new HashMap<>()).put(key, false);
            }
            case Renamed r -> members.values().forEach(set -> {
                if (set.remove(r.old().toLowerCase(Locale.ROOT))) {
                    set.add(remember(r.nick()));
                }
            });
            default -> {
            }
        }
    }

    private String remember(String nickAsWritten) {
        String key = nickAsWritten.toLowerCase(Locale.ROOT);
        written.put(key, nickAsWritten);
        return key;
    }

    int count(String room) {
        return members.getOrDefault(room, Set.of()).size();
    }

    /** Everyone known to share a room with {@code me}, as they write their nicks. */
    Set<String> othersThan(String me) {
        Set<String> nicks = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Set<String> room : members.values()) {
            for (String key : room) {
                nicks.add(written.getOrDefault(key, key));
            }
        }
        if (me != null) {
            nicks.remove(me);
        }
        return nicks;
    }

    /** The members of {@code room} as they write their nicks, sorted case-insensitively. */
    List<String> members(String room) {
        Set<String> nicks = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String key : members.getOrDefault(room, Set.of())) {
            nicks.add(written.getOrDefault(key, key));
        }
        return List.copyOf(nicks);
    }

    /** We left {@code room}: who was there is no longer followed. */
    void forget(String room) {
        if (room != null) {
            members.remove(room);
            since.remove(room);
        }
    }

    /** After a lost connection: the rejoins' notices and who-replies build it again. */
    void clear() {
        members.clear();
        since.clear();
    }
}
