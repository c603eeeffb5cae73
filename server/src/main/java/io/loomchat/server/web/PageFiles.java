package io.loomchat.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.loomchat.protocol.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The browser client's files, read from the jar once at start and served from memory with headers that keep
 * the page to itself: a Content-Security-Policy that allows only its own script and style and WebSocket
 * connections back to this server (so even a text that slipped into the page as HTML could run nothing),
 * no framing by other sites, no content-type guessing, no referrer.
 */
final class PageFiles {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private record File(byte[] bytes, String type) {
    }

    private final Map<String, File> files;

    PageFiles(String serverName, boolean password, int maxLineBytes) {
        // What the page needs before it connects: the server's name, whether to ask for a password, and how
        // long a message may be (a longer one closes the WebSocket: the page says so instead of sending it).
        String info = "{\"name\":" + jsonString(serverName) + ",\"password\":" + password
                + ",\"maxLineBytes\":" + maxLineBytes
                + ",\"protocol\":" + Codec.PROTOCOL_VERSION + "}\n";
        files = Map.of(
                "/server.json", new File(info.getBytes(StandardCharsets.UTF_8), "application/json"),
                "/", load("index.html", "text/html; charset=utf-8"),
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/input.js", load("input.js", "text/javascript; charset=utf-8"),
                "/style.css", load("style.css", "text/css; charset=utf-8"),
                "/icon.svg", load("icon.svg", "image/svg+xml"));
    }

    /** A JSON string; the server name is the operator's, but may hold any character. */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static File load(String name, String type) {
        try (InputStream in = PageFiles.class.getResourceAsStream("/io/loomchat/server/web/page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the web client's " + name + " is missing from the jar");
            }
            return new File(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void serve(ServerRequest request, ServerResponse response) {
        String path = request.path().path();
        File file = files.get(path.equals("/index.html") ? "/" : path);
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        response.header("Referrer-Policy", "no-referrer");
        if (file == null) {
            response.status(Status.NOT_FOUND_404);
            response.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.send("not found; the chat is at /\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, file.type());
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Frame-Options", "DENY");
        // Served from the jar: a new server version may bring new files, so the browser asks each time.
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        response.send(file.bytes());
    }
}
