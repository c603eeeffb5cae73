/**
 * {@code ./loomchat bench}: workloads ({@code FanOutWorkload}, {@code ChatRoomWorkload}, {@code Scale},
 * {@code Soak}) driven by {@code LoadClient}s against each {@code Peer} (Loomchat, nats-server, ncat) started
 * as a {@code ServerProcess}; {@code Stats} and {@code MarkdownReport} turn the runs into the tables of
 * docs/BENCHMARKS.md. JMH micro-benchmarks of the codec and the outbox sit beside them.
 */
package io.loomchat.bench;
