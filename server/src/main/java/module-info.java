/**
 * The Loomchat server. Only the entry points are exported (the command, its configuration and the
 * running server); connections, chat, history, guards and ops stay internal to the module.
 */
module io.loomchat.server {
    requires io.loomchat.protocol;
    requires info.picocli;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind; // the accounts file
    requires io.nats.jnats; // cluster mode: NATS JetStream
    requires jdk.httpserver; // the metrics endpoint
    requires io.helidon.webserver; // the web client: page and WebSocket
    requires io.helidon.webserver.websocket;
    requires io.helidon.websocket;
    requires io.helidon.logging.common;
    requires javax.jmdns; // LAN discovery (mDNS)
    requires java.logging; // Helidon logs through it: only its warnings are shown
    requires java.management; // the descriptor limit
    requires jdk.management;
    requires jdk.unsupported; // sun.misc.Signal: a clean stop on SIGTERM

    exports io.loomchat.server;
    exports io.loomchat.server.config; // ServerConfig and its parts

    opens io.loomchat.server to info.picocli; // options are read by reflection

    provides io.helidon.logging.common.spi.LoggingProvider with io.loomchat.server.web.HelidonLogging;
}
