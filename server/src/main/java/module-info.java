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
    requires java.management; // the descriptor limit
    requires jdk.management;
    requires jdk.unsupported; // sun.misc.Signal: a clean stop on SIGTERM

    exports io.loomchat.server;

    opens io.loomchat.server to info.picocli; // options are read by reflection
}
