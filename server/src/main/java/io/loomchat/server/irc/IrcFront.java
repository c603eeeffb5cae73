package io.loomchat.server.irc;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.IrcLine;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.connection.Dialect;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.connection.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One IRC client's side of its session, read loop only: turns each IRC line into the protocol's requests
 * (registration waits for NICK, USER and the end of CAP negotiation, as IRC servers do) and answers what
 * IRC answers itself (PING, CAP, MODE queries). What the session sends back is written as IRC by
 * {@link IrcRendering}, which this front shares the negotiated capabilities with.
 *
 * <p>Requests made here carry refs starting with "irc-": they tell the rendering what an answer was for
 * (a member list asked by NAMES or by WHO, a topic asked or set).
 */
public final class IrcFront implements Dialect {

    static final Set<String> CAPABILITIES = Set.of("server-time", "message-tags", "echo-message", "batch",
            "draft/chathistory", "away-notify", "multi-prefix", "userhost-in-names", "sasl", "draft/account-registration", "draft/read-marker");
    /** What CAP LS 302 says of the capabilities that have values. */
    private static final Map<String, String> CAPABILITY_VALUES = Map.of("sasl", "PLAIN",
            "draft/account-registration", "before-connect");
    /** The most bytes of tags a client may send (IRCv3 message-tags); a longer line gets 417. */
    static final int MAX_CLIENT_TAG_BYTES = 4094;

    /** The most messages one CHATHISTORY request returns (Loomchat's history page limit). */
    static final int CHATHISTORY_LIMIT = 500;
    /** Mode changes with a parameter one MODE line may make (IRC's default ISUPPORT MODES=3). */
    static final int MODES_PER_LINE = 3;
    /** The most 352 lines one WHO for a mask returns (a mask can match a whole lobby). */
    static final int MAX_WHO_REPLIES = 500;
    /** Targets one line may name (ISUPPORT TARGMAX); every target past the first also counts against flood control. */
    static final int MAX_TARGETS = 4;

        private final Session session;
    private final Client client;
    private final ChatContext chat;
    private final Commands commands;
    private final IrcRendering rendering;
    private final BooleanSupplier anotherLine; // flood control's verdict on one more line
    private final Map<String, IrcCommand> table; // every command this front knows, by name
    private final IrcAccounts accounts;
    private String password; // PASS, before registration
    private String wantedNick; // NICK, before registration: the nick the hello will ask for
    private String user; // USER, before registration
    private boolean negotiating; // between CAP LS/REQ and CAP END

    /**
     * {@code anotherLine} asks flood control whether one more line may be carried out: a line naming several
     * targets (PRIVMSG #a,#b,...) is charged one line per target, so that it cannot say more than the same
     * requests one per line would.
     */
    IrcFront(Session session, Commands commands, ChatContext chat, BooleanSupplier anotherLine) {
        this.session = session;
        this.client = session.client();
        this.chat = chat;
        this.commands = commands;
        this.rendering = new IrcRendering(client, chat, session.sessions());
        Map<String, IrcCommand> commandTable = new HashMap<>();
        addRegistration(commandTable);
        new IrcChannels(this, client, chat, commands, rendering).addTo(commandTable);
        new IrcUsers(this, session, chat, commands, rendering).addTo(commandTable);
        this.accounts = new IrcAccounts(this, client, commands, chat.rooms());
        accounts.addTo(commandTable);
        this.table = Map.copyOf(commandTable);
        this.anotherLine = anotherLine;
    }

    /**
     * The targets of a comma list, at most {@link #MAX_TARGETS}, each past the first charged to flood
     * control: 407 for too many, and the rest dropped once flood control refuses.
     */
    List<String> targets(String list, String command) {
        List<String> all = List.of(list.split(","));
        if (all.size() > MAX_TARGETS) {
            reply("407", (list.length() > 64 ? list.substring(0, 64) : list) + " :Too many targets (TARGMAX " + command + ":"
                    + MAX_TARGETS + "); nothing was sent");
            return List.of();
        }
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i > 0 && !anotherLine.getAsBoolean()) {
                send(":" + rendering.server() + " NOTICE " + target() + " :flood control: targets after " + all.get(i - 1)
                        + " dropped (each target counts as a line)");
                break;
            }
            if (!all.get(i).isEmpty()) {
                allowed.add(all.get(i));
            }
        }
        return allowed;
    }

    /** How the session's events are written for this client. */
    public IrcRendering rendering() {
        return rendering;
    }

    @Override
    public byte[] render(Event event, byte[] json) {
        return rendering.render(event);
    }

    @Override
    public void handle(byte[] line, int start, int length) {
        handle(new String(line, start, length, StandardCharsets.UTF_8));
    }

    /** One line from the client, without its line end. */
    void handle(String raw) {
        if (raw.startsWith("@")) {
            int space = raw.indexOf(' ');
            if ((space < 0 ? raw.length() : space) - 1 > MAX_CLIENT_TAG_BYTES) {
                reply("417", ":Input line was too long (tags over " + MAX_CLIENT_TAG_BYTES + " bytes)");
                return;
            }
        }
        IrcLine line = IrcLine.parse(raw);
        if (line == null) {
            return;
        }
        IrcCommand command = table.get(line.command());
        if (command == null || (command.when() == IrcCommand.When.REGISTERED && !client.registered())) {
            reply(client.registered() ? "421" : "451", client.registered() ? line.command() + " :Unknown command"
                    : ":You have not registered");
        } else if (command.when() == IrcCommand.When.REGISTERING && client.registered()) {
            reply("462", ":You may not reregister");
        } else if (command.lacksParameters(line)) {
            reply("461", line.command() + " :Not enough parameters");
        } else {
            command.handler().accept(line);
        }
    }

    /** The commands that register a client, or may come at any time. */
    private void addRegistration(Map<String, IrcCommand> table) {
        table.put("CAP", IrcCommand.anytime(0, this::cap));
        table.put("PASS", IrcCommand.registering(0, line -> {
            password = line.param(0);
            commands.offerServerPassword(password); // a right one lets SASL come before NICK and USER
        }));
        table.put("NICK", IrcCommand.anytime(0, this::nick));
        table.put("USER", IrcCommand.registering(4, line -> {
            if (line.param(3).isEmpty()) {
                reply("461", "USER :Not enough parameters"); // the real name may not be empty either
                return;
            }
            user = line.param(0);
            IrcUsers.identify(client, line.param(0), line.param(3));
            register();
        }));
        table.put("PING", IrcCommand.anytime(1, line ->
                send(":" + rendering.server() + " PONG " + rendering.server() + " :" + line.param(0))));
        table.put("PONG", IrcCommand.anytime(0, line -> {
            // any line is an answer to the server's keep-alive
        }));
        table.put("QUIT", IrcCommand.anytime(0, line ->
                commands.handle(new Request.Quit(line.params().isEmpty() ? null : clean(line.param(0)), null))));
    }

    private void nick(IrcLine line) {
        if (line.param(0).isEmpty()) {
            reply("431", ":No nickname given");
        } else if (client.registered()) {
            if (!line.param(0).equals(client.nick())) { // the same nick again: nothing to change, nothing said
                commands.handle(new Request.Nick(line.param(0), ref("nick", line.param(0))));
            }
        } else {
            wantedNick = line.param(0);
            register();
        }
    }

    /** Registers once NICK and USER are in and capability negotiation is over. */
    private void register() {
        if (wantedNick == null || user == null || negotiating || client.registered()) {
            return;
        }
        rendering.joining(chat.config().defaultRoom());
        if (password != null && chat.config().password() == null) {
            accounts.pass(password); // PASS account:password
            password = null;
        }
        commands.handle(new Request.Hello(wantedNick, null, Replay.DEFAULT, null, password, ref("hello", wantedNick)));
        if (!client.registered() && (client.account() != null || chat.config().accountsRequired())) {
            // No NICK can change it: the account's devices are all taken, or only accounts may chat here.
            session.disconnect(CloseReason.ACCOUNT_NEEDED, client.account() != null
                    ? "the account " + client.account() + " is connected from as many clients as it may be"
                    : "this server is for accounts only: log in with SASL (or PASS account:password)");
            return;
        }
        String room = client.rooms().currentName();
        if (client.registered() && room != null) {
            commands.handle(new Request.Who(room, null, ref("names", "#" + room)));
        }
    }

    private void cap(IrcLine line) {
        switch (line.param(0).toUpperCase(Locale.ROOT)) {
            case "LS" -> {
                negotiating = !client.registered();
                boolean v302 = line.params().size() > 1 && line.param(1).compareTo("302") >= 0;
                send(":" + rendering.server() + " CAP " + target() + " LS :" + String.join(" ", CAPABILITIES.stream().sorted()
                        .map(c -> v302 && CAPABILITY_VALUES.containsKey(c) ? c + "=" + CAPABILITY_VALUES.get(c) : c).toList()));
            }
            case "REQ" -> {
                negotiating = !client.registered();
                List<String> asked = List.of(line.param(1).strip().split(" +"));
                boolean all = asked.stream().allMatch(c -> CAPABILITIES.contains(c.toLowerCase(Locale.ROOT)));
                if (all) {
                    asked.forEach(c -> rendering.enable(c.toLowerCase(Locale.ROOT)));
                }
                send(":" + rendering.server() + " CAP " + target() + (all ? " ACK :" : " NAK :") + line.param(1).strip());
            }
            case "LIST" -> send(":" + rendering.server() + " CAP " + target() + " LIST :" + String.join(" ", rendering.enabled()));
            case "END" -> {
                negotiating = false;
                register();
            }
            default -> reply("410", line.param(0) + " :Invalid CAP command");
        }
    }

    /**
     * The ref of a request made for this client: "irc-KIND:SUBJECT", the subject (a nick or a channel, cut
     * to fit a ref) for the numeric that may answer it.
     */
    static String ref(String kind, String subject) {
        String s = subject.length() > 40 ? subject.substring(0, 40) : subject;
        return "irc-" + kind + ":" + s.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** Text typed in an IRC client: formatting codes out (others would see control characters). */
    static String clean(String text) {
        return IrcLine.stripFormatting(text);
    }

    /** "#Dev" -> "dev": channels are rooms. */
    static String room(String channel) {
        return channel.startsWith("#") ? channel.substring(1) : channel;
    }

    /** The nick NICK asked for before registration; null if none yet. */
    String wantedNick() {
        return wantedNick;
    }

    String server() {
        return rendering.server();
    }

    String target() {
        return client.nick() != null ? client.nick() : wantedNick != null ? wantedNick : "*";
    }

    void reply(String numeric, String rest) {
        send(":" + rendering.server() + " " + numeric + " " + target() + " " + rest);
    }

    void send(String line) {
        session.sendRaw(IrcRendering.bytes(line + "\r\n"));
    }
}
