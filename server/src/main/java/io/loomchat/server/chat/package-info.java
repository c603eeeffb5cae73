/**
 * The chat itself. {@code Commands} checks and dispatches a session's requests to one class per feature
 * ({@code RegistrationCommands}, {@code MessageCommands}, {@code RoomCommands}, {@code OperatorCommands});
 * {@code Rooms} is the directory of open rooms, {@code Nicknames} of who holds which nick, and
 * {@code JoinedRooms} one client's rooms. A {@code Room} numbers each message, stores it through its
 * history store, and queues the same encoded bytes to each {@code Member}, all under its own lock, so
 * everyone sees one order.
 */
package io.loomchat.server.chat;
