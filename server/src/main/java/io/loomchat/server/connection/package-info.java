/**
 * One client connection, from accept to close (layer 8 of 10; see docs/DESIGN.md). The {@code Acceptor}
 * accepts sockets, {@code Sessions} admits each new connection through {@code Admission} (bans, limits, the
 * {@code DescriptorBudget}) whichever door it came by, and keeps the live ones. A {@code Session} is a
 * connection: its {@code Transport} (TCP or WebSocket), its outbox and single writer thread, its greeting,
 * and the {@code Dialect} its first line chose ({@code JsonDialect}, {@code TextDialect}, or one an adapter
 * offers through a {@code Dialect.Opener}, such as IRC). Its {@code ReadLoop} reads it on its own virtual
 * thread ({@code FairInput} takes turns, flood control counts every line) and hands each line to the
 * dialect, which makes requests for the chat's {@code Commands}. The {@code Watchdog} enforces the deadlines
 * a blocking socket cannot; {@code Doorway} admits the web port's connections by the same rules.
 */
package io.loomchat.server.connection;
