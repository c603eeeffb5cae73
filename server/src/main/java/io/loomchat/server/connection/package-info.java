/**
 * One client connection, from accept to close. The {@code Acceptor} accepts sockets and {@code Admission}
 * decides who is served (bans, limits, the {@code DescriptorBudget}); a {@code Session} owns the
 * connection, its {@code ReadLoop} reads it on its own virtual thread (its {@code FairInput} takes turns)
 * and decodes each line; an {@code Outbox} and its single writer thread write to the socket, woken once
 * per read through the read loop's {@code DeliveryBatch}; the {@code Watchdog} enforces the deadlines a
 * blocking socket cannot; a {@code CloseReason} says why it ended. {@code ResumeState} and
 * {@code Resumptions} let a client that reconnects take its session over.
 */
package io.loomchat.server.connection;
