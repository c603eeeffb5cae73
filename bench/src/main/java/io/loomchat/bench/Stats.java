package io.loomchat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Medians and ranges over runs. */
final class Stats {

    private Stats() {
    }

    static Map<String, Map<String, Double>> summarize(List<Map<String, Double>> runs) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        if (runs.isEmpty()) {
            return out;
        }
        for (String metric : runs.get(0).keySet()) {
            List<Double> values = new ArrayList<>();
            for (Map<String, Double> run : runs) {
                values.add(run.getOrDefault(metric, Double.NaN));
            }
            values.sort(Double::compare);
            Map<String, Double> s = new LinkedHashMap<>();
            s.put("median", median(values));
            s.put("min", values.get(0));
            s.put("max", values.get(values.size() - 1));
            out.put(metric, s);
        }
        return out;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String format(Map<String, Map<String, Double>> figures) {
        StringJoiner row = new StringJoiner("  ");
        figures.forEach((metric, s) -> row.add(metric + "=" + number(s.get("median"))
                + (s.get("min").equals(s.get("max")) ? "" : " [" + number(s.get("min")) + "-" + number(s.get("max")) + "]")));
        return row.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format("%,.0f", v);
        }
        return String.format("%.2f", v);
    }
}
