package io.loomchat.cli.connection;

import java.io.IOException;
import java.net.Socket;

/** Opens a new connection to the server (plain or TLS); the client calls it again to reconnect. */
@FunctionalInterface
public interface Connector {

    Socket connect() throws IOException;
}
