package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest extends ServerTestSupport {

    private String scrape() throws Exception {
        // java.base's client: the server module does not read java.net.http, and its tests run inside it.
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")
                .toURL().openConnection();
        try (InputStream body = http.getInputStream()) {
            assertEquals(200, http.getResponseCode());
            assertTrue(String.valueOf(http.getContentType()).startsWith("text/plain; version=0.0.4"));
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            http.disconnect();
        }
    }

    private static long value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\d+)$").matcher(text);
        assertTrue(m.find(), series + " missing in:\n" + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void thePrometheusEndpointCountsConnectionsTrafficErrorsAndDisconnects() throws Exception {
        start(testConfig().toBuilder().metricsPort(0).build());
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        alice.say("hello");
        alice.expect("joined");
        alice.expect("message");
        alice.send("not json");
        alice.expect("error");
        bob.send("{\"type\":\"quit\"}");
        bob.awaitClose();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> value(scrape(), "loomchat_disconnects_total{reason=\"quit\"}") == 1);

        String text = scrape();
        assertEquals(1, value(text, "loomchat_connections"));
        assertEquals(1, value(text, "loomchat_rooms"));
        assertEquals(2, value(text, "loomchat_connections_accepted_total"));
        assertEquals(1, value(text, "loomchat_errors_total{code=\"malformed\"}"));
        assertTrue(value(text, "loomchat_lines_in_total") >= 5, text); // 2 hellos, say, garbage, quit
        assertTrue(value(text, "loomchat_bytes_out_total") > 0, text);
        assertEquals(0, value(text, "loomchat_disconnects_total{reason=\"slow_consumer\"}"));
    }

    @Test
    void theEndpointIsOffByDefault() throws Exception {
        start();
        assertEquals(-1, server.metricsPort());
    }
}
