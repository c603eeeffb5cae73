package io.loomchat.bench;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The codec's hot paths: decoding a client's say (plain scan, streaming parser, tree), encoding the
 * message every member receives (direct writer, generator) and the sender's acknowledged copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    private final byte[] sayLine = "{\"type\":\"say\",\"text\":\"hello everyone, this is a line of about the usual size\",\"ref\":\"c42\"}"
            .getBytes(StandardCharsets.UTF_8);
    private final ChatMessage message = new ChatMessage(123_456, "lobby", "alice",
            "hello everyone, this is a line of about the usual size", false, Instant.parse("2026-11-27T09:15:02.041Z"), null);

    // The same line with one field the server does not know: it takes the full (tree) path, so the two
    // figures side by side show what the streaming path for common lines saves.
    private final byte[] sayLineWithExtraField = "{\"type\":\"say\",\"text\":\"hello everyone, this is a line of about the usual size\",\"ref\":\"c42\",\"x\":1}"
            .getBytes(StandardCharsets.UTF_8);

    // The same line with one escape in its text: the plain scan declines it, the streaming parser reads it.
    private final byte[] sayLineEscaped = "{\"type\":\"say\",\"text\":\"hello everyone, this is a line of about the usual siz\\u00e9\",\"ref\":\"c42\"}"
            .getBytes(StandardCharsets.UTF_8);

    // A message whose text holds a tab: the generator writes it (the direct writer declines escapes).
    private final ChatMessage messageWithTab = new ChatMessage(123_456, "lobby", "alice",
            "hello everyone, this is a line of about the\tusual size", false, Instant.parse("2026-11-27T09:15:02.041Z"), null);

    private final byte[] encoded = Codec.encode(message);

    @Benchmark
    public Request decodeSay() throws ProtocolException {
        return Codec.decodeRequest(sayLine, 0, sayLine.length);
    }

    @Benchmark
    public Request decodeSayFullPath() throws ProtocolException {
        return Codec.decodeRequest(sayLineWithExtraField, 0, sayLineWithExtraField.length);
    }

    @Benchmark
    public Request decodeSayStreamed() throws ProtocolException {
        return Codec.decodeRequest(sayLineEscaped, 0, sayLineEscaped.length);
    }

    @Benchmark
    public byte[] encodeMessage() {
        return Codec.encode(message);
    }

    @Benchmark
    public byte[] encodeMessageWithGenerator() {
        return Codec.encode(messageWithTab);
    }

    /** The sender's acknowledged copy: the shared bytes with its ref added, no second encoding. */
    @Benchmark
    public byte[] ackCopy() {
        return Codec.withRef(encoded, "c42");
    }
}
