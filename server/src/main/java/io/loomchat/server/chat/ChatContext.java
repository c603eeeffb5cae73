package io.loomchat.server.chat;

import io.loomchat.server.account.Accounts;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.guard.Moderation;
import io.loomchat.server.guard.Operators;
import io.loomchat.server.guard.SlowChecks;
import java.time.Clock;

/**
 * What the chat's commands work with, and nothing more: the directories (nicks, rooms), moderation, the
 * operators, resumptions and the three ports the adapters fill in (who is connected, the other nodes,
 * where lines are stored). Built once by the server; every {@link Commands} shares it.
 */
public final class ChatContext {

    /** Every client connected to this node, registered or not (an address ban reaches them all). */
    @FunctionalInterface
    public interface Everyone {
        Iterable<Client> connected();
    }

    private final ServerConfig config;
    private final Clock clock;
    private final Nicknames nicknames;
    private final Rooms rooms;
    private final Moderation moderation;
    private final Resumptions resumptions;
    private final Operators operators;
    private final Accounts accounts;
    private final SlowChecks slowChecks; // operators' and accounts' password checks, one at a time
    private final String epoch;
    private final Everyone everyone;
    private final Elsewhere elsewhere;
    private final LineStore lines;

    /**
     * {@code elsewhere} and {@code lines} are the cluster's on a cluster node, else {@link Elsewhere#NOWHERE}
     * and null (lines are then the rooms' own).
     */
    public ChatContext(ServerConfig config, Clock clock, Nicknames nicknames, Rooms rooms, Moderation moderation,
                       Operators operators, Accounts accounts, SlowChecks slowChecks, String epoch, Everyone everyone,
                       Elsewhere elsewhere, LineStore lines) {
        this.config = config;
        this.clock = clock;
        this.nicknames = nicknames;
        this.rooms = rooms;
        this.moderation = moderation;
        this.resumptions = new Resumptions(clock);
        this.operators = operators;
        this.accounts = accounts;
        this.slowChecks = slowChecks;
        this.epoch = epoch;
        this.everyone = everyone;
        this.elsewhere = elsewhere;
        this.lines = lines == null ? new LocalLines() : lines;
    }

    public ServerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Nicknames nicknames() {
        return nicknames;
    }

    public Rooms rooms() {
        return rooms;
    }

    public Moderation moderation() {
        return moderation;
    }

    /** What clients that went away left for a resume. */
    public Resumptions resumptions() {
        return resumptions;
    }

    /** Names this server's message history, announced in welcome. */
    public String epoch() {
        return epoch;
    }

    public Elsewhere elsewhere() {
        return elsewhere;
    }

    LineStore lines() {
        return lines;
    }

    Iterable<Client> connected() {
        return everyone.connected();
    }

    boolean hasOperators() {
        return operators.size() > 0;
    }

    /** Whether {@code password} is operator {@code name}'s; one check at a time, each taking the same work. */
    boolean verifyOperator(String name, String password) {
        return slowChecks.oneAtATime(() -> operators.verify(name, password));
    }

    /** The accounts of this server (refusing everything when it keeps none). */
    public Accounts accounts() {
        return accounts;
    }
}
