package io.loomchat.server;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Asks a person for a new password on the terminal itself ({@code /dev/tty}), without echo, twice: so that
 * {@code --hash-password NAME >> operators} prompts although its output goes to a file, and nobody
 * standing by reads the password off the screen. When standard input is not a terminal (a script piping
 * the password in), its first line is the password.
 */
final class PasswordPrompt {

    private static final File TTY = new File("/dev/tty");

    private PasswordPrompt() {
    }

    /** The password typed (twice alike), or read from standard input; null if the two typings differ. */
    static String ask(String prompt) throws IOException {
        if (!standardInputIsATerminal()) {
            return firstLineOfStandardInput(); // a script piping the password in, even from a terminal
        }
        try (FileInputStream in = new FileInputStream(TTY); OutputStream out = new FileOutputStream(TTY)) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            stty("-echo");
            try {
                String first = askOnce(lines, out, prompt + ": ");
                String second = askOnce(lines, out, "again, to be sure: ");
                return first.equals(second) ? first : null;
            } finally {
                stty("echo");
            }
        } catch (IOException noTerminal) {
            return firstLineOfStandardInput();
        }
    }

    private static String firstLineOfStandardInput() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? "" : line;
    }

    /** Whether standard input is a terminal (Java cannot ask isatty itself; a child that inherits it can). */
    private static boolean standardInputIsATerminal() {
        try {
            Process test = new ProcessBuilder("sh", "-c", "test -t 0").redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            return test.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String askOnce(BufferedReader lines, OutputStream out, String prompt) throws IOException {
        out.write(prompt.getBytes(StandardCharsets.UTF_8));
        out.flush();
        String line = lines.readLine();
        out.write('\n'); // the Enter that was not echoed
        out.flush();
        return line == null ? "" : line;
    }

    /** Switches the terminal's echo, as the stty command does; a terminal without stty keeps its echo. */
    private static void stty(String setting) {
        try {
            Process stty = new ProcessBuilder("stty", setting).redirectInput(TTY).start();
            stty.waitFor();
        } catch (IOException e) {
            // no stty: the password shows as typed, nothing worse
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
