/**
 * The Loomchat server. Only the entry points are exported (the command, its configuration and the
 * running server); connections, chat, history, guards and ops stay internal to the module.
 */
module io.loomchat.server {
    requires io.loomchat.protocol;
    requires info.picocli;
    requires org.slf4j;
    requires io.nats.jnats; // cluster mode: NATS JetStream
    requires jdk.httpserver; // the metrics endpoint
    requires io.helidon.webserver; // the web client: page and WebSocket
    requires io.helidon.webserver.websocket;
    requires io.helidon.websocket;
    requires java.logging; // to quiet Helidon's start-up lines
    requires java.management; // the descriptor limit
    requires jdk.management;
    requires jdk.unsupported; // sun.misc.Signal: a clean stop on SIGTERM

    exports io.loomchat.server;
    exports io.loomchat.server.web; // WebConfig, part of ServerConfig

    opens io.loomchat.server to info.picocli; // options are read by reflection
}
