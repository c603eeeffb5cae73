/**
 * A cluster of nodes on NATS JetStream (an adapter, layer 9 of 10; see docs/DESIGN.md). {@code ClusterNode}
 * wires this node into the chat's ports: {@code ClusterNicks} is the nick ledger (a JetStream key-value
 * bucket), {@code StreamLines} stores lines and topics in the rooms' stream ({@code ClusterLink}, made or
 * checked by {@code RoomStream}), whose {@code RoomFeed} brings every stored line back to this node's
 * rooms in order, and {@code ClusterElsewhere} answers for the other nodes through the {@code NodeMesh}
 * (who is in a room there, private messages, presence, moderation), whose inbound side is
 * {@code ClusterMembers}. Nothing in the chat knows NATS is there.
 */
package io.loomchat.server.cluster;
