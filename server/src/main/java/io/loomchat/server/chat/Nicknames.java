package io.loomchat.server.chat;

import io.loomchat.protocol.Names;
import io.loomchat.server.delivery.CloseReason;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds which nick, and the only writer of a person's nick. Nicks are unique by their
 * {@link Names#skeleton}: case-insensitively, and two nicks that look alike ({@code alice}, {@code aIice},
 * {@code a1ice}) count as one. Claims are atomic, so two people never share one. A person logged in to an
 * account is also found by the account, so that its other connections join it rather than claim a nick.
 */
public final class Nicknames {

    private final ConcurrentHashMap<String, Person> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Person> byAccount = new ConcurrentHashMap<>(); // account skeleton
    private final NickLedger ledger; // null on a single node

    public Nicknames() {
        this(null);
    }

    /** With a {@code ledger}, a nick is also claimed there: unique across every node that shares it. */
    public Nicknames(NickLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Claims {@code nick} for {@code client}, here first, then in the ledger if there is one, and makes the
     * client a new person of that name (the account it logged in to, if any). Its resume token is now
     * {@code newToken}; in a cluster, {@code presentedToken} (the client's token from before) lets it take
     * the nick over from its own earlier connection on another node.
     *
     * @throws IOException if the ledger cannot be reached (nothing is claimed then)
     */
    boolean claim(String nick, Client client, String newToken, String presentedToken) throws IOException {
        Person person = new Person(client.account());
        if (!claimKey(Names.skeleton(nick), person, client, newToken, presentedToken)) {
            return false;
        }
        person.setNick(nick);
        person.attach(client);
        if (person.account() != null) {
            byAccount.put(Names.skeleton(person.account()), person);
        }
        client.becomes(person);
        return true;
    }

    /**
     * At start: the person of {@code account}, with no connection yet, under the account's name; null if
     * that nick is held already.
     */
    Person restore(String account) {
        Person person = new Person(account);
        person.setNick(account);
        if (byKey.putIfAbsent(Names.skeleton(account), person) != null) {
            return null;
        }
        byAccount.put(Names.skeleton(account), person);
        return person;
    }

    /** The person of {@code account} if it is connected here; null if not. */
    Person personOf(String account) {
        return byAccount.get(Names.skeleton(account));
    }

    /** In the person's turn: {@code client} is one more connection of {@code person}. */
    void attach(Person person, Client client) {
        person.attach(client);
        client.becomes(person);
    }

    private boolean claimKey(String key, Person person, Client client, String newToken, String presentedToken)
            throws IOException {
        if (byKey.putIfAbsent(key, person) != null) {
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
                byKey.remove(key, person);
            }
        }
    }

    /** Moves {@code client}'s person from {@code oldNick} to {@code newNick}; false if someone else holds it. */
    boolean rename(String oldNick, String newNick, Client client) throws IOException {
        Person person = client.person();
        String oldKey = Names.skeleton(oldNick);
        String newKey = Names.skeleton(newNick);
        if (!oldKey.equals(newKey)) { // else a change of case, or of look-alike letters, only
            if (!claimKey(newKey, person, client, client.resumeToken(), null)) {
                return false;
            }
            releaseKey(oldKey, person);
        }
        person.setNick(newNick);
        return true;
    }

    /** The person's last connection left: its nick is free. */
    void release(Person person) {
        releaseKey(Names.skeleton(person.nick()), person);
        if (person.account() != null) {
            byAccount.remove(Names.skeleton(person.account()), person);
        }
    }

    /** The account was dropped: its person (returned, if connected) stays, as a guest, no longer found by it. */
    Person accountDropped(String account) {
        Person person = byAccount.remove(Names.skeleton(account));
        if (person != null) {
            person.loseAccount();
        }
        return person;
    }

    /**
     * In its turn: the guest {@code person} logged in to {@code account}; false if the account is another
     * person here already (two people cannot become one).
     */
    boolean loggedIn(Person person, String account) {
        if (byAccount.putIfAbsent(Names.skeleton(account), person) != null) {
            return false;
        }
        person.becomeAccount(account);
        return true;
    }

    private void releaseKey(String key, Person person) {
        if (byKey.remove(key, person) && ledger != null) {
            ledger.release(key);
        }
    }

    public Person find(String nick) {
        return byKey.get(Names.skeleton(nick));
    }

    int size() {
        return byKey.size();
    }
}
