package io.loomchat.server.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a WebSocket here. A page on another site must not log in under its visitor's
 * name (cross-site WebSocket hijacking), and browsers always send {@code Origin} on a WebSocket upgrade. By
 * default only the server's own origin is let in: the scheme, host and port the request was sent to (its
 * {@code Host}), whatever name the page was opened by. With {@code --web-allowed-origins}, exactly the
 * origins listed are (the server's own among them, if its page is to work). A request without {@code Origin}
 * does not come from a browser page (a script, a command-line client), so no visitor's browser can be
 * abused through it: let in.
 *
 * <p>Helidon's WebSocket upgrade applies the same rule itself (same authority when no origins are
 * configured, else the configured set); {@link #helidonOrigins} feeds it, and the listener checks again
 * with this class, so the rule is written down once, here.
 */
final class OriginPolicy {

    private final Set<String> allowed;

    OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::browserForm).collect(Collectors.toUnmodifiableSet());
        if (allowed.contains("")) {
            throw new IllegalArgumentException("web-allowed-origins takes origins like https://chat.example.com"
                    + " (scheme, host and port), not " + allowedOrigins);
        }
    }

    /** The origins for Helidon's own check: empty for "same authority only". */
    Set<String> helidonOrigins() {
        return allowed;
    }

    /** Null if {@code origin} may connect to a server reached as {@code host} (the Host header); else why not. */
    String refusal(String origin, String host, boolean secure) {
        if (origin == null) {
            return null;
        }
        String normalized = browserForm(origin);
        boolean ok = allowed.isEmpty()
                ? host != null && !normalized.isEmpty() && normalized.equals(browserForm((secure ? "https://" : "http://") + host))
                : allowed.contains(normalized);
        return ok ? null : "origin " + origin + " may not connect (only "
                + (allowed.isEmpty() ? "this server's own pages" : "--web-allowed-origins") + ")";
    }

    /**
     * An origin as browsers send it: scheme://host, then :port unless it is the scheme's default, in lower
     * case; "" if it is not an http(s) origin.
     */
    static String browserForm(String origin) {
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                return "";
            }
            int port = uri.getPort();
            boolean defaultPort = port < 0 || port == (scheme.equals("https") ? 443 : 80);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
