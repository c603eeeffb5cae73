package io.loomchat.server.irc;

import io.loomchat.protocol.IrcLine;
import java.util.function.Consumer;

/**
 * One IRC command in {@link IrcFront}'s table, as ergo's commands.go has them: the fewest parameters it
 * takes (fewer, or an empty first one, is 461 for all commands alike), when it may be used (462 once
 * registered for PASS and USER, 451 before registration for the rest), and what it does.
 */
record IrcCommand(int minParams, When when, Consumer<IrcLine> handler) {

    /** When a command may be used: before registration only (then 462), at any time, or after it (else 451). */
    enum When { REGISTERING, ANYTIME, REGISTERED }

    /** A command for registered clients only. */
    static IrcCommand registered(int minParams, Consumer<IrcLine> handler) {
        return new IrcCommand(minParams, When.REGISTERED, handler);
    }

    /** A command that may come before registration too (CAP, NICK, PING, PONG, QUIT). */
    static IrcCommand anytime(int minParams, Consumer<IrcLine> handler) {
        return new IrcCommand(minParams, When.ANYTIME, handler);
    }

    /** A command that registers (PASS, USER): once registered, 462. */
    static IrcCommand registering(int minParams, Consumer<IrcLine> handler) {
        return new IrcCommand(minParams, When.REGISTERING, handler);
    }

    /** Whether {@code line} lacks a parameter this command needs: fewer than it takes, or an empty first one. */
    boolean lacksParameters(IrcLine line) {
        return line.params().size() < minParams || (minParams > 0 && line.param(0).isEmpty());
    }
}
