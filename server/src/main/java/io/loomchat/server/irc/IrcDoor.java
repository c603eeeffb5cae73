package io.loomchat.server.irc;

import io.loomchat.protocol.IrcLine;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.connection.Dialect;
import io.loomchat.server.connection.Session;
import java.util.function.BooleanSupplier;

/**
 * IRC as a dialect of the chat port: a connection whose first line is an IRC registration line (CAP, NICK,
 * PASS or USER) speaks IRC from then on. Offered to the connection layer only when IRC is on.
 */
public final class IrcDoor implements Dialect.Opener {

    private final ChatContext chat;

    public IrcDoor(ChatContext chat) {
        this.chat = chat;
    }

    @Override
    public boolean opens(String firstLine) {
        return IrcLine.opensIrc(firstLine);
    }

    @Override
    public Dialect open(Session session, Commands commands, BooleanSupplier anotherLine) {
        return new IrcFront(session, commands, chat, anotherLine);
    }
}
