package io.loomchat.server.ops;

import java.util.List;
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
    private final ConcurrentHashMap<String, LongAdder> closes = new ConcurrentHashMap<>();
    private final List<String> closeCodes; // shown first, in this order; others after, by name
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();

    public Metrics() {
        this(List.of());
    }

    /** {@code closeCodes}: the close codes shown from the start, at 0, so that a rate over them has a base. */
    public Metrics(List<String> closeCodes) {
        this.closeCodes = List.copyOf(closeCodes);
        for (String code : closeCodes) {
            closes.put(code, new LongAdder());
        }
    }

    /** A connection ended or was refused with close code {@code code}. */
    public void closed(String code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
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
        Map<String, LongAdder> others = new TreeMap<>(closes);
        for (String code : closeCodes) {
            disconnects(out, code, others.remove(code));
        }
        others.forEach((code, n) -> disconnects(out, code, n));
        out.append("# HELP loomchat_errors_total Error replies sent, by error code.\n")
                .append("# TYPE loomchat_errors_total counter\n");
        new TreeMap<>(errors).forEach((code, n) -> out.append("loomchat_errors_total{code=\"").append(code)
                .append("\"} ").append(n.sum()).append('\n'));
        return out.toString();
    }

    private static void disconnects(StringBuilder out, String code, LongAdder n) {
        out.append("loomchat_disconnects_total{reason=\"").append(code).append("\"} ").append(n.sum()).append('\n');
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
