package io.loomchat.server.config;

import java.util.List;

/**
 * Where the web client is served.
 *
 * @param host           the address to listen on (the chat port's by default)
 * @param port           the HTTP (or HTTPS) port; 0 lets the system pick one
 * @param portChosen     whether the operator chose the port: a default port that is taken only turns the web
 *                       client off, with a warning, while a chosen one that is taken stops the server
 * @param allowedOrigins the browser origins whose pages may open a WebSocket ({@code https://chat.example.com});
 *                       empty: the server's own pages only, by whatever name they were opened
 */
public record WebConfig(String host, int port, boolean portChosen, List<String> allowedOrigins) {

    /** The web client's port unless --web-port says otherwise. */
    public static final int DEFAULT_PORT = 8080;

    public WebConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("web-port must be 0 to 65535, or off, not " + port);
        }
    }
}
