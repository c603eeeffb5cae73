package io.loomchat.server.connection;

import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.OutboxBudget;
import io.loomchat.server.delivery.PresenceFlush;
import io.loomchat.server.delivery.Ticker;
import io.loomchat.server.ops.Metrics;
import java.time.Clock;
import java.util.List;

/**
 * What every connection shares, built once by the server: the configuration, clocks, counters, memory
 * budgets, the greeting, the chat the connections lead into, and the dialects a connection may turn out
 * to speak besides JSON and text (IRC, when it is on).
 */
public record ConnectionContext(ServerConfig config, Clock clock, Ticker ticker, Metrics metrics,
                                OutboxBudget outboxBudget, PresenceFlush presenceFlush, Greeter greeter,
                                byte[] greeting, ChatContext chat, List<Dialect.Opener> dialects) {

    public ConnectionContext {
        dialects = List.copyOf(dialects);
    }
}
