package io.loomchat.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * An interactive terminal through JLine: incoming lines are printed above the input line, which JLine then
 * redraws with whatever the person had typed, so typing is never garbled or lost while messages arrive.
 */
final class TerminalScreen implements Screen {

    private static final String REDRAW_PROMPT = "loomchat-redraw-prompt";

    private final Terminal terminal;
    private final LineReader reader;
    private volatile String prompt = "> ";

    TerminalScreen() {
        try {
            this.terminal = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
        this.reader = LineReaderBuilder.builder().terminal(terminal).appName("loomchat").build();
        // Runs inside every readLine() before the first draw, so a prompt changed just before is never missed.
        reader.getWidgets().put(LineReader.CALLBACK_INIT, this::applyPrompt);
        reader.getWidgets().put(REDRAW_PROMPT, () -> {
            applyPrompt();
            reader.callWidget(LineReader.REDRAW_LINE);
            reader.callWidget(LineReader.REDISPLAY);
            return true;
        });
    }

    /** The next typed line, or null at end of input (Ctrl-D) or on Ctrl-C. */
    String readLine() {
        try {
            return reader.readLine(prompt);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        }
    }

    @Override
    public void show(String line) {
        reader.printAbove(line);
    }

    /** Changes the prompt, redrawing it at once if a line is being typed (e.g. after a /join). */
    @Override
    public void prompt(String newPrompt) {
        if (newPrompt.equals(prompt)) {
            return;
        }
        this.prompt = newPrompt;
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
            impl.setPrompt(prompt);
        }
        return true;
    }

    @Override
    public void close() {
        try {
            terminal.close();
        } catch (IOException e) {
            // the terminal is going away anyway
        }
    }
}
