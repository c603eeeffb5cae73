package io.loomchat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a results JSON file into the Markdown tables of docs/BENCHMARKS.md. */
final class MarkdownReport {

    /** The figures shown per workload, in order; the JSON keeps them all. */
    private static final Map<String, List<String>> COLUMNS = Map.of(
            "fanout", List.of("delivered_per_s", "p50_us", "p99_us", "max_us", "lost", "disconnected"),
            "rates", List.of("delivered_per_s", "p50_us", "p99_us", "p999_us", "max_us", "lost"),
            "slow", List.of("delivered_per_s", "p50_us", "p99_us", "lost", "disconnected"),
            "scale", List.of("connected", "connect_s", "rss_mib", "kib_per_conn", "broadcast_ms"),
            "chatroom", List.of("delivered", "lost", "p50_us", "p99_us", "p999_us", "cpu_us_per_delivery"),
            "soak", List.of("people_sent", "people_delivered", "people_lost", "people_disconnected",
                    "abuser_connections", "p99_us", "rss_before_mib", "rss_after_mib"));

    private MarkdownReport() {
    }

    static String render(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        StringBuilder out = new StringBuilder();
        out.append("Measured ").append(root.path("started").asText()).append(" on: ")
                .append(root.path("machine").asText()).append(". Median of ").append(root.path("runs").asInt())
                .append(" runs, range in brackets.\n");
        Map<String, List<JsonNode>> byWorkload = new LinkedHashMap<>();
        for (JsonNode c : root.path("cases")) {
            byWorkload.computeIfAbsent(c.path("workload").asText(), k -> new ArrayList<>()).add(c);
        }
        byWorkload.forEach((workload, cases) -> {
            List<String> columns = COLUMNS.getOrDefault(workload, List.of());
            out.append("\n### ").append(workload).append("\n\n| peer | case | ")
                    .append(String.join(" | ", columns)).append(" |\n|---|---|")
                    .append("---|".repeat(columns.size())).append("\n");
            for (JsonNode c : cases) {
                out.append("| ").append(c.path("peer").asText()).append(" | ").append(c.path("case").asText()).append(" |");
                JsonNode figures = c.path("figures");
                for (String column : columns) {
                    JsonNode f = figures.path(column);
                    if (f.isMissingNode()) {
                        out.append(" failed |");
                        continue;
                    }
                    double median = f.path("median").asDouble(Double.NaN);
                    double min = f.path("min").asDouble(Double.NaN);
                    double max = f.path("max").asDouble(Double.NaN);
                    out.append(' ').append(Stats.number(median));
                    if (min != max && !Double.isNaN(min)) {
                        out.append(" [").append(Stats.number(min)).append("–").append(Stats.number(max)).append(']');
                    }
                    out.append(" |");
                }
                if (c.path("failures").size() > 0) {
                    out.append(" ").append(c.path("failures").size()).append(" run(s) failed: ")
                            .append(c.path("failures").get(0).asText().replace('|', '/'));
                }
                out.append('\n');
            }
        });
        return out.toString();
    }
}
