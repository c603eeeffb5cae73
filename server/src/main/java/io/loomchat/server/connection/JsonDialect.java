package io.loomchat.server.connection;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import io.loomchat.server.chat.Commands;

/**
 * The protocol's own dialect: one JSON object a line each way (docs/PROTOCOL.md). Also what a connection speaks before
 * its first line.
 */
final class JsonDialect implements Dialect {

    private final Session session;
    private final Commands commands; // null before the first line: nothing is handled then

    JsonDialect(Session session, Commands commands) {
        this.session = session;
        this.commands = commands;
    }

    @Override
    public byte[] render(Event event, byte[] json) {
        return json != null ? json : Codec.encode(event);
    }

    @Override
    public void handle(byte[] line, int start, int length) {
        Request request;
        try {
            request = Codec.decodeRequest(line, start, length);
        } catch (ProtocolException e) {
            session.send(e.toReply());
            return;
        }
        if (!(request instanceof Request.Say)) {
            // Held lines go out before whatever this request causes: a client's requests take effect in
            // the order sent, for every member (only says in a row are held together).
            session.batch().releaseHeld();
        }
        commands.handle(request);
    }

    @Override
    public boolean takesEncodedBursts() {
        return true;
    }

    @Override
    public boolean holdsSays() {
        return true;
    }
}
