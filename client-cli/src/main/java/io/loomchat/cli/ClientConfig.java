package io.loomchat.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The client's settings file, {@code ~/.config/loomchat/client.properties} (or {@code --config FILE}), so that
 * {@code loomchat chat} alone connects where the person always does, as the nick they use, into their rooms.
 * Every setting is optional; an option on the command line wins over the file.
 *
 * <pre>
 * host=chat.example.org
 * port=12345
 * nick=alice
 * rooms=lobby,release
 * tls=true
 * trust=/home/alice/chat-cert.pem
 * password-file=/home/alice/.config/loomchat/server-password
 * </pre>
 *
 * @param rooms rooms to be in: the first is joined with the hello, the rest right after; empty for the server's
 * @param passwordFile the file whose first line is the server password (as --password-file), or null
 */
record ClientConfig(String host, Integer port, String nick, List<String> rooms, Boolean tls, Path trust, Path passwordFile) {

    static final ClientConfig NONE = new ClientConfig(null, null, null, List.of(), null, null, null);
    private static final Set<String> KEYS = Set.of("host", "port", "nick", "rooms", "tls", "trust", "password-file");

    /** The file read when no --config is given: under $XDG_CONFIG_HOME, else ~/.config. */
    static Path defaultPath(Map<String, String> env, String home) {
        return directory(env, home).resolve("client.properties");
    }

    /** The client's own directory of settings and known servers: $XDG_CONFIG_HOME/loomchat, else ~/.config/loomchat. */
    static Path directory(Map<String, String> env, String home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config");
        return base.resolve("loomchat");
    }

    /** Reads {@code file}; a mistake in it is an IllegalArgumentException that names the file and the setting. */
    static ClientConfig read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return parse(p, file.toString());
    }

    static ClientConfig parse(Properties p, String where) {
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown setting '" + key + "' (known: host, nick, password-file, port, rooms, tls, trust)");
            }
        }
        Integer port = null;
        String portText = value(p, "port");
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException(where + ": port=" + portText + " is not a port (1-65535)");
            }
        }
        Boolean tls = null;
        String tlsText = value(p, "tls");
        if (tlsText != null) {
            if (!tlsText.equalsIgnoreCase("true") && !tlsText.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(where + ": tls=" + tlsText + " must be true or false");
            }
            tls = Boolean.parseBoolean(tlsText);
        }
        String rooms = value(p, "rooms");
        String trust = value(p, "trust");
        String passwordFile = value(p, "password-file");
        return new ClientConfig(value(p, "host"), port, value(p, "nick"),
                rooms == null ? List.of() : Arrays.stream(rooms.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList(),
                tls, trust == null ? null : Path.of(trust), passwordFile == null ? null : Path.of(passwordFile));
    }

    /** A setting's value without surrounding blanks; null when absent or blank. */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
