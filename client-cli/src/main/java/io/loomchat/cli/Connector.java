package io.loomchat.cli;

import java.io.IOException;
import java.net.Socket;

/** Opens a new connection to the server (plain or TLS); the client calls it again to reconnect. */
@FunctionalInterface
interface Connector {

    Socket connect() throws IOException;
}
