package io.loomchat.server;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** The server's option types that picocli does not know: sizes ("64m") and durations ("90s", "1h"). */
final class OptionTypes {

    private OptionTypes() {
    }

    /** Accepts a number of bytes, or one with k, m or g (powers of 1024): "512k", "64m", "1g". */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                long unit = v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : v.endsWith("g") ? 1L << 30 : 1;
                long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return Math.multiplyExact(n, unit);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 64m or 1g");
            }
        }
    }

    /** Accepts "10s", "500ms", "2m", or an ISO-8601 duration such as "PT10S". */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase();
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 10s or 500ms");
            }
        }
    }
}
