package io.loomchat.cli.screen;

import io.loomchat.cli.chat.Emphasis;
import io.loomchat.cli.chat.StatusBar;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.NickColors;
import io.loomchat.protocol.TextRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;

/**
 * An interactive terminal through JLine: incoming lines are printed above the input line, which JLine then
 * redraws with whatever the person had typed, so typing is never garbled or lost while messages arrive.
 * Nicks get a stable color each, lines that mention us are highlighted and ring the bell, history is dimmed,
 * and Tab completes commands and the nicks of the people in our rooms.
 */
public final class TerminalScreen implements Screen {

    private static final String REDRAW_PROMPT = "loomchat-redraw-prompt";
    private static final String ERASE_PROMPT = "loomchat-erase-prompt";

    private final Terminal terminal;
    private final LineReader reader;
    private final int[] nickColors;
    private volatile String prompt = "> ";
    private volatile String question; // asked instead of the prompt while a password is typed; else null
    private volatile StatusBar status;

    /**
     * {@code nicks} completes nicks; {@code commands} takes the client command a key stands for (such as
     * "/window 2" for Alt-2). It is called on JLine's thread while it holds its lock, so it must only hand
     * the command on, never wait for the chat.
     */
    public TerminalScreen(Supplier<Collection<String>> nicks, Consumer<String> commands) {
        try {
            this.terminal = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
        this.reader = LineReaderBuilder.builder().terminal(terminal).appName("loomchat")
                .completer(completer(nicks))
                .build();
        // The submitted line goes away: the server's echo of it, with time and nick, is what stays.
        reader.setOpt(LineReader.Option.ERASE_LINE_ON_FINISH);
        Integer colors = terminal.getNumericCapability(InfoCmp.Capability.max_colors);
        this.nickColors = NickColors.palette(colors == null ? 8 : colors);
        RoomKeys.bind(reader, terminal, commands);
        // Runs inside every readLine() before the first draw, so a prompt changed just before is never missed.
        reader.getWidgets().put(LineReader.CALLBACK_INIT, this::applyPrompt);
        reader.getWidgets().put(ERASE_PROMPT, this::erasePrompt);
        reader.getWidgets().put(REDRAW_PROMPT, () -> {
            applyPrompt();
            // Only a redisplay, which compares with what is on the screen: redraw-line would forget that, and
            // a status bar grown shorter (F2 hiding the nick list) kept its old tail until the next message.
            reader.callWidget(LineReader.REDISPLAY);
            return true;
        });
    }

    /**
     * Takes the status bar, the prompt and the half-typed line off the screen (under JLine's lock, which a
     * widget runs in), so that the client's last line (why it ends) starts at the left edge, on its own.
     */
    private boolean erasePrompt() {
        status = null;
        prompt = "";
        reader.getBuffer().clear();
        applyPrompt();
        reader.callWidget(LineReader.REDISPLAY);
        return true;
    }

    /** Commands as the first word, nicks anywhere (with ": " after one that starts the line, as IRC clients do). */
    private static Completer completer(Supplier<Collection<String>> nicks) {
        List<String> commands = Input.COMMANDS.stream()
                .map(c -> c.usage().split(" ")[0])
                .filter(c -> !c.startsWith("//"))
                .toList();
        return (reader, line, candidates) -> {
            if (line.wordIndex() == 0 && line.word().startsWith("/")) {
                commands.forEach(c -> candidates.add(new Candidate(c)));
                return;
            }
            boolean first = line.wordIndex() == 0;
            for (String nick : nicks.get()) {
                candidates.add(new Candidate(first ? nick + ":" : nick, nick, null, null, null, null, true));
            }
        };
    }

    /** A password typed without echo (and kept out of the line history); null on Ctrl-D or Ctrl-C. */
    public String readSecret(String question) {
        this.question = question; // a message arriving meanwhile redraws the question, not the chat's prompt
        try {
            return reader.readLine(question, LineReaderImpl.NULL_MASK);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        } finally {
            this.question = null;
        }
    }

    /** The next typed line, or null at end of input (Ctrl-D) or on Ctrl-C. */
    public String readLine() {
        try {
            return reader.readLine(fullPrompt());
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        }
    }

    @Override
    public void show(String line) {
        reader.printAbove(wrapped(line));
    }

    /**
     * Breaks a line at the terminal's width, continuations marked, so that text padded to the width
     * cannot make a fake line start at the left edge (see TextRenderer#wrap).
     */
    private String wrapped(String line) {
        int width = terminal.getWidth();
        return TextRenderer.wrap(line, width > 20 ? width : 80);
    }

    @Override
    public void show(String line, String from, Emphasis emphasis) {
        line = wrapped(line);
        AttributedStringBuilder styled = new AttributedStringBuilder();
        AttributedStyle base = switch (emphasis) {
            case NORMAL -> AttributedStyle.DEFAULT;
            case HISTORY -> AttributedStyle.DEFAULT.faint();
            case MENTION -> AttributedStyle.DEFAULT.bold().inverse(); // the whole line, time and nick too
        };
        int at = from == null ? -1 : line.indexOf(from);
        if (at < 0) {
            styled.styled(base, line);
        } else {
            styled.styled(base, line.substring(0, at));
            styled.styled(base.foreground(NickColors.of(from, nickColors)), line.substring(at, at + from.length()));
            styled.styled(base, line.substring(at + from.length()));
        }
        reader.printAbove(styled.toAttributedString());
        if (emphasis == Emphasis.MENTION) {
            terminal.puts(InfoCmp.Capability.bell);
            terminal.flush();
        }
    }

    /** Changes the prompt, redrawing it at once if a line is being typed (e.g. after a /join). */
    @Override
    public void prompt(String newPrompt) {
        if (newPrompt.equals(prompt)) {
            return;
        }
        this.prompt = newPrompt;
        redrawPrompt();
    }

    /** Changes the status bar above the prompt, redrawing it at once if a line is being typed. */
    @Override
    public void status(StatusBar bar) {
        if (bar.equals(status)) {
            return;
        }
        this.status = bar;
        redrawPrompt();
    }

    /** Clears the screen, before drawing another room's window. */
    @Override
    public void clear() {
        if (reader.isReading()) {
            try {
                reader.callWidget(LineReader.CLEAR_SCREEN);
                return;
            } catch (IllegalStateException e) {
                // readLine() ended in between: clear directly
            }
        }
        terminal.puts(InfoCmp.Capability.clear_screen);
        terminal.flush();
    }

    private void redrawPrompt() {
        // Either readLine() has not started yet, and its init callback will take the new prompt, or it
        // has, and the redraw widget (run under JLine's lock) shows it now.
        if (reader.isReading()) {
            try {
                reader.callWidget(REDRAW_PROMPT);
            } catch (IllegalStateException e) {
                // readLine() ended in between: the next one takes the new prompt at init
            }
        }
    }

    private boolean applyPrompt() {
        if (reader instanceof LineReaderImpl impl) {
            impl.setPrompt(fullPrompt());
        }
        return true;
    }

    /** The status bar on its own line, then the prompt: JLine redraws both as one. */
    private String fullPrompt() {
        StatusBar bar = status;
        String asked = question != null ? question : prompt;
        return bar == null ? asked : StatusLine.render(bar).toAnsi(terminal) + "\n" + asked;
    }

    @Override
    public void close() {
        if (reader.isReading()) {
            try {
                reader.callWidget(ERASE_PROMPT);
            } catch (IllegalStateException e) {
                // readLine() ended in between: no prompt on the screen
            }
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // the terminal is going away anyway
        }
    }
}
