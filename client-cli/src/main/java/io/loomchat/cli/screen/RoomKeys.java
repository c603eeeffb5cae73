package io.loomchat.cli.screen;

import java.util.function.Consumer;
import org.jline.keymap.KeyMap;
import org.jline.reader.LineReader;
import org.jline.reader.Reference;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp;

/**
 * The keys that move between rooms, as in irssi: Alt-1..9 the Nth room, Alt-Left/Alt-Right and Ctrl-P/Ctrl-N
 * the previous and next, F2 the nick list. Each stands for a client command; the line being typed stays.
 */
final class RoomKeys {

    private RoomKeys() {
    }

    static void bind(LineReader reader, Terminal terminal, Consumer<String> commands) {
        KeyMap<org.jline.reader.Binding> keys = reader.getKeyMaps().get(LineReader.EMACS);
        for (int n = 1; n <= 9; n++) {
            key(reader, keys, "loomchat-window-" + n, "/window " + n, commands, KeyMap.alt((char) ('0' + n)));
        }
        // Alt-Left as xterm and tmux send it, and as terminals that prefix ESC send it.
        key(reader, keys, "loomchat-prev", "/prev", commands, KeyMap.ctrl('P'), "\u001b[1;3D", "\u001b\u001b[D", "\u001b\u001bOD");
        key(reader, keys, "loomchat-next", "/next", commands, KeyMap.ctrl('N'), "\u001b[1;3C", "\u001b\u001b[C", "\u001b\u001bOC");
        String f2 = KeyMap.key(terminal, InfoCmp.Capability.key_f2);
        key(reader, keys, "loomchat-names", "/names", commands, "\u001bOQ", "\u001b[12~");
        if (f2 != null && !f2.isEmpty()) {
            keys.bind(new Reference("loomchat-names"), f2);
        }
    }

    private static void key(LineReader reader, KeyMap<org.jline.reader.Binding> keys, String widget, String command,
                            Consumer<String> commands, String... sequences) {
        reader.getWidgets().put(widget, () -> {
            commands.accept(command);
            return true;
        });
        for (String sequence : sequences) {
            keys.bind(new Reference(widget), sequence);
        }
    }
}
