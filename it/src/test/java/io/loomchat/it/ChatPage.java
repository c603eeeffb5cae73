package io.loomchat.it;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The web client as a person uses it, in a real browser page: log in, type, read the lines. */
final class ChatPage {

    static final double WAIT_MS = 15_000;

    final Page page;
    final List<String> dialogs = new ArrayList<>();

    ChatPage(Page page) {
        this.page = page;
        page.setDefaultTimeout(WAIT_MS);
        // A dialog would mean a script from a message ran: remember it, and dismiss it so nothing blocks.
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
    }

    /** Opens the page and logs in; returns once the chat shows and the status says online. */
    ChatPage login(String url, String nick) {
        page.navigate(url);
        page.fill("#login-nick", nick);
        page.click("#login-form button[type=submit]");
        page.waitForSelector("#chat", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
        waitFor("document.getElementById('status').textContent === 'online'");
        return this;
    }

    /** Logs in to an account (nick and account password), or registers the nick as one ({@code register}). */
    ChatPage loginToAccount(String url, String nick, String password, boolean register) {
        page.navigate(url);
        page.fill("#login-nick", nick);
        page.fill("#login-account-password", password);
        if (register) {
            page.check("#login-register");
        }
        page.click("#login-form button[type=submit]");
        page.waitForSelector("#chat", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
        waitFor("document.getElementById('status').textContent === 'online'");
        return this;
    }

    void type(String line) {
        page.fill("#line", line);
        page.press("#line", "Enter");
    }

    /** Waits until {@code js} (an expression) is true in the page. */
    void waitFor(String js) {
        page.waitForFunction(js, null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
    }

    /** Waits until {@code js} (a function of one argument) is true for {@code arg}. */
    void waitFor(String js, Object arg) {
        page.waitForFunction(js, arg, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
    }

    /** The chat lines (with ids) of a room's view, in page order: "id text". */
    @SuppressWarnings("unchecked")
    List<String> lines(String room) {
        return (List<String>) page.evaluate("room => [...document.querySelectorAll(`.lines[data-view=\"room:${room}\"] .line[data-id]`)]"
                + ".map(l => l.dataset.id + ' ' + l.querySelector('.text').textContent)", room);
    }

    /** Waits until the room's view shows a line with this text. */
    void awaitLine(String room, String text) {
        waitFor("([room, text]) => [...document.querySelectorAll(`.lines[data-view=\"room:${room}\"] .line .text`)]"
                + ".some(t => t.textContent === text)", List.of(room, text));
    }

    /** The unread badge of a room or private conversation in the side list; "" when none. */
    String badge(String viewKey) {
        Object text = page.evaluate("key => { const b = document.querySelector(`li[data-view=\"${key}\"] .badge`);"
                + " return b ? b.textContent + (b.classList.contains('mention') ? '!' : '') : ''; }", viewKey);
        return (String) text;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> evaluate(String js) {
        return (Map<String, Object>) page.evaluate(js);
    }
}
