package io.loomchat.server.connection;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.TextRenderer;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Commands;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/** Text mode: a person on nc or telnet types commands as in the terminal client and reads lines as it shows them. */
final class TextDialect implements Dialect {

    /** Text-mode lines show times in the server's time zone. */
    private static final TextRenderer TEXT = new TextRenderer(ZoneId.systemDefault());

    private final Client client;
    private final Commands commands;

    TextDialect(Client client, Commands commands) {
        this.client = client;
        this.commands = commands;
    }

    @Override
    public byte[] render(Event event, byte[] json) {
        String nick = client.nick();
        String text = TEXT.render(event, nick == null ? "" : nick, client.rooms().currentName());
        return text == null ? null : (TextRenderer.wrap(text, TextRenderer.TEXT_MODE_WIDTH) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(byte[] line, int start, int length) {
        commands.handleText(new String(line, start, length, StandardCharsets.UTF_8));
    }
}
