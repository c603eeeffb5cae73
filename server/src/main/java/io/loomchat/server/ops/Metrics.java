package io.loomchat.server.ops;

import io.loomchat.server.connection.CloseReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, cheap to bump from any thread (LongAdder), rendered in Prometheus's text format.
 */
public final class Metrics {

    public final LongAdder linesIn = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder linesOut = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder connectionsAccepted = new LongAdder();
    private final Map<CloseReason, LongAdder> closes = new EnumMap<>(CloseReason.class);
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();

    public Metrics() {
        for (CloseReason reason : CloseReason.values()) {
            closes.put(reason, new LongAdder());
        }
    }

    public void closed(CloseReason reason) {
        closes.get(reason).increment();
    }

    public void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Prometheus text exposition format, version 0.0.4. */
    public String render(int connections, int rooms, int threads) {
        StringBuilder out = new StringBuilder(2048);
        gauge(out, "loomchat_connections", "Connections being served.", connections);
        gauge(out, "loomchat_connection_threads", "Virtual threads serving connections (two each).", threads);
        gauge(out, "loomchat_rooms", "Open rooms.", rooms);
        counter(out, "loomchat_connections_accepted_total", "Connections accepted and served.", connectionsAccepted.sum());
        counter(out, "loomchat_lines_in_total", "Lines received from clients.", linesIn.sum());
        counter(out, "loomchat_bytes_in_total", "Bytes received from clients.", bytesIn.sum());
        counter(out, "loomchat_lines_out_total", "Lines written to clients.", linesOut.sum());
        counter(out, "loomchat_bytes_out_total", "Bytes written to clients.", bytesOut.sum());
        out.append("# HELP loomchat_disconnects_total Connections ended or refused, by close code.\n")
                .append("# TYPE loomchat_disconnects_total counter\n");
        closes.forEach((reason, n) -> out.append("loomchat_disconnects_total{reason=\"").append(reason.code())
                .append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP loomchat_errors_total Error replies sent, by error code.\n")
                .append("# TYPE loomchat_errors_total counter\n");
        new TreeMap<>(errors).forEach((code, n) -> out.append("loomchat_errors_total{code=\"").append(code)
                .append("\"} ").append(n.sum()).append('\n'));
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }
}
