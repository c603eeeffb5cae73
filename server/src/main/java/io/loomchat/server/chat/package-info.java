/**
 * The chat itself, with no socket in sight (layer 7 of 10; see docs/DESIGN.md). A {@code Client} is one
 * connected person as the chat knows them (nick, away, operator, rooms, resume), on a {@code Device} the
 * connection layer provides. {@code Commands} checks and dispatches a client's requests to one class per
 * feature ({@code RegistrationCommands}, {@code MessageCommands}, {@code RoomCommands},
 * {@code OperatorCommands}); {@code Rooms} is the directory of open rooms, {@code Nicknames} the only writer
 * of who holds which nick. A {@code Room} numbers each message, stores it through its history store, and
 * queues the same encoded bytes to each member, all under its own lock, so everyone sees one order.
 *
 * <p>The ports the adapters fill in are declared here: {@code NickLedger} (nicks beyond this node),
 * {@code Elsewhere} (the other nodes; {@code Elsewhere.NOWHERE} on a single node), {@code LineStore} (where
 * lines are stored before their room hears them; {@code LocalLines} on a single node) and
 * {@code ChatContext.Everyone} (who is connected). {@code ChatContext} is everything the commands use.
 */
package io.loomchat.server.chat;
