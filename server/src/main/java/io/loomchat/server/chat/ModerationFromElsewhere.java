package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Request;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.guard.Moderation;
import java.net.InetAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a cluster: what operators on other nodes decided, carried out here as on their own node. Called by
 * the cluster's one thread for such news, with its own deliveries.
 */
public final class ModerationFromElsewhere {

    // Logged as the operators' commands are, so that an operator finds every kick and ban under one name.
    private static final Logger LOG = LoggerFactory.getLogger(OperatorCommands.class);

    private final ChatContext chat;
    private final Moderation moderation;

    public ModerationFromElsewhere(ChatContext chat) {
        this.chat = chat;
        this.moderation = chat.moderation();
    }

    /**
     * A kick, ban, unban, mute or unmute an operator made on another node, applied here: a kick removes the
     * person if they are in the room here; bans and mutes are kept in this node's moderation, and a ban
     * closes whoever it covers here, as on the operator's own node.
     */
    public void apply(Request request, String by, DeliveryBatch batch) {
        Duration defaults = chat.config().defaultSanction();
        switch (request) {
            case Request.Ban b -> {
                Moderation.Sanction sanction = moderation.sanction(b.seconds() == null ? defaults
                        : Duration.ofSeconds(b.seconds()), b.reason(), by);
                InetAddress address = null;
                if (b.address() != null) {
                    try {
                        address = OperatorCommands.ipLiteral(b.address());
                    } catch (Refusal e) {
                        LOG.warn("a ban from another node names no address: {}", e.getMessage());
                        return;
                    }
                }
                if (b.nick() != null) {
                    moderation.ban(b.nick(), address, sanction);
                } else if (address != null) {
                    moderation.ban(address, sanction);
                }
                String why = "by " + by + " " + moderation.left(sanction) + (sanction.reason() == null ? "" : ": " + sanction.reason());
                OperatorCommands.closeBanned(chat, b.nick(), address, why, null);
                LOG.info("{} (on another node) banned {}{}", by, b.nick() != null ? "the nick " + b.nick() : "",
                        address != null ? " the address " + Moderation.text(address) : "");
            }
            case Request.Unban u -> {
                if (u.nick() != null) {
                    moderation.unban(u.nick());
                } else if (u.address() != null) {
                    try {
                        moderation.unban(OperatorCommands.ipLiteral(u.address()));
                    } catch (Refusal e) {
                        LOG.warn("an unban from another node names no address: {}", e.getMessage());
                    }
                }
            }
            case Request.Mute m -> {
                Moderation.Sanction sanction = moderation.sanction(m.seconds() == null ? defaults
                        : Duration.ofSeconds(m.seconds()), null, by);
                moderation.mute(m.room(), m.nick(), sanction);
                Person target = chat.nicknames().find(m.nick());
                if (target != null) {
                    target.deliver(new Event.Notice(by + " muted you in " + m.room() + " " + moderation.left(sanction), null), null, batch);
                }
            }
            case Request.Kick k -> {
                Person target = chat.nicknames().find(k.nick());
                Room room = chat.rooms().find(k.room());
                if (target != null && room != null && room.members().contains(target)) {
                    String reason = "kicked by " + by + (k.reason() == null || k.reason().isBlank() ? "" : ": " + k.reason());
                    target.rooms().kickedFrom(room);
                    chat.rooms().remove(room, target, batch, reason);
                    LOG.info("{} (on another node) kicked {} from {}", by, target.nick(), room.name());
                }
            }
            case Request.Unmute u -> {
                if (moderation.unmute(u.room(), u.nick())) {
                    Person target = chat.nicknames().find(u.nick());
                    if (target != null) {
                        target.deliver(new Event.Notice("you may speak in " + u.room() + " again", null), null, batch);
                    }
                }
            }
            default -> LOG.warn("not a moderation request from another node: {}", request.getClass().getSimpleName());
        }
    }
}
