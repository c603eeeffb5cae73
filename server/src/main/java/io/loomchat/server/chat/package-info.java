/**
 * The chat itself. {@code Commands} carries out a session's requests (the operators' in
 * {@code OperatorCommands}); {@code Rooms} is the directory of open rooms and {@code Nicknames} of who holds
 * which nick. A {@code Room} numbers each message, stores it through its history store, and queues the
 * same encoded bytes to each {@code Member}, all under its own lock, so everyone sees one order.
 */
package io.loomchat.server.chat;
