/**
 * How lines reach clients (layer 6 of 10; see docs/DESIGN.md): a {@code Member} is what a room delivers to;
 * each connection's {@code Outbox} is bounded and drained by one writer thread (counted against the
 * server-wide {@code OutboxBudget}); a read loop's {@code DeliveryBatch} wakes every writer it fed once
 * per read (NATS's flushClients), a room's {@code Burst} hands a member all the lines of one read in one
 * offer, and {@code PresenceFlush} lets join and leave notices wait a moment for company. A
 * {@code CloseReason} says why a connection ended; a {@code Ticker} is the clock deadlines are read on.
 */
package io.loomchat.server.delivery;
