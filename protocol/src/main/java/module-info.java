/**
 * The Loomchat wire protocol: message records, the pure JSON codec, the capped line reader, name rules
 * and terminal-safe text. No sockets, no threads; Jackson stays an implementation detail.
 */
module io.loomchat.protocol {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;

    exports io.loomchat.protocol;
}
