package io.loomchat.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The wire form of {@code ts}: UTC, RFC 3339, always with milliseconds ("2026-11-27T09:15:02.041Z"). */
public final class Timestamps {

    private static final DateTimeFormatter WIRE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** The last millisecond formatted: a busy room stamps many messages within the same millisecond. */
    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private record Formatted(long epochMilli, String text) {
    }

    public static String format(Instant instant) {
        long millis = instant.toEpochMilli();
        Formatted cached = last;
        if (cached.epochMilli() == millis) {
            return cached.text();
        }
        String text = WIRE.format(instant);
        last = new Formatted(millis, text);
        return text;
    }

    public static Instant parse(String text) throws ProtocolException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "field 'ts' is not an RFC 3339 timestamp: " + text);
        }
    }
}
