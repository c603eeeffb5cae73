/**
 * The wire protocol of docs/PROTOCOL.md, with no I/O and no threads: the messages ({@code Request} from
 * clients, {@code Event} from the server), the {@code Codec} (its {@code Decoding} and {@code Encoding}
 * halves), the capped {@code BoundedLineReader}, name rules ({@code Names}), what a person types
 * ({@code Input}) and how events read as text ({@code TextRenderer}, {@code SafeText}).
 */
package io.loomchat.protocol;
