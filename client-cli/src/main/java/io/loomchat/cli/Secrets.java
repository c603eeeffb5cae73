package io.loomchat.cli;

import io.loomchat.cli.screen.TerminalScreen;
import io.loomchat.protocol.Request.Credentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What the client proves itself with in every hello: the server password and an account. Both are read
 * from files or asked for at the terminal, never taken from the command line, where ps shows them.
 */
final class Secrets {

    @Option(names = "--account", paramLabel = "NAME",
            description = "Log in to this account with every hello, reconnects included; the password comes from "
                    + "--account-password-file, or is asked for at the terminal (without echo).")
    String account;

    @Option(names = "--account-password-file", paramLabel = "FILE",
            description = "The account's password on this file's first line.")
    Path accountPasswordFile;

    /**
     * Hands the secrets to {@code client}, or says in one line why they cannot be read. Nothing is read when
     * {@code send} is false (the server may not get a password in clear). {@code terminal} asks for the
     * account's password when no file holds it; null when nobody is at a terminal.
     */
    String apply(ChatClient client, Path passwordFile, boolean send, TerminalScreen terminal) {
        if (!send) {
            return null;
        }
        String serverPassword = null;
        String accountPassword = null;
        Path reading = passwordFile;
        try {
            serverPassword = passwordFile == null ? null : firstLine(passwordFile);
            reading = accountPasswordFile;
            if (account != null) {
                accountPassword = accountPasswordFile != null ? firstLine(accountPasswordFile)
                        : terminal != null ? terminal.readSecret("password of account " + account + ": ") : null;
                if (accountPassword == null) {
                    return "--account " + account + " needs --account-password-file when nobody is at a terminal to type it";
                }
            }
        } catch (IOException e) {
            return ClientExit.unreadable(reading, e);
        }
        client.useSecrets(serverPassword, account == null ? null : new Credentials(account, accountPassword));
        return null;
    }

    private static String firstLine(Path file) throws IOException {
        return Files.readAllLines(file).stream().findFirst().orElse("").strip();
    }
}
