package io.loomchat.server.irc;

import io.loomchat.protocol.IrcLine;
import java.util.function.Consumer;

/**
 * One IRC command in {@link IrcFront}'s table, as ergo's commands.go has them: the fewest parameters it
 * takes (fewer, or an empty one among them, is 461 for all commands alike), whether it may come before
 * registration (if not, 451), and what it does.
 */
record IrcCommand(int minParams, boolean beforeRegistration, Consumer<IrcLine> handler) {

    /** A command for registered clients only. */
    static IrcCommand registered(int minParams, Consumer<IrcLine> handler) {
        return new IrcCommand(minParams, false, handler);
    }

    /** A command that may come before registration too (CAP, PASS, NICK, USER, PING, PONG, QUIT). */
    static IrcCommand anytime(int minParams, Consumer<IrcLine> handler) {
        return new IrcCommand(minParams, true, handler);
    }

    /** Whether {@code line} lacks a parameter this command needs. */
    boolean lacksParameters(IrcLine line) {
        if (line.params().size() < minParams) {
            return true;
        }
        for (int i = 0; i < minParams; i++) {
            if (line.param(i).isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
