package io.loomchat.server.chat;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.SafeText;
import io.loomchat.server.account.AccountBook.Account;
import io.loomchat.server.account.Accounts;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts as a client uses them: logging in (before hello or after), registering, changing the password,
 * an operator dropping one; and the rule every front inherits: a registered nick is its account's alone.
 * Run by the client's own read loop. Passwords are never logged or echoed.
 */
final class AccountCommands {

    private static final Logger LOG = LoggerFactory.getLogger(AccountCommands.class);

    private final Client client;
    private final ChatContext chat;
    private final Commands commands;

    AccountCommands(Client client, ChatContext chat, Commands commands) {
        this.client = client;
        this.chat = chat;
        this.commands = commands;
    }

    /** The accounts, or a refusal saying why this server keeps none. */
    private Accounts accounts() throws Refusal {
        Accounts accounts = chat.accounts();
        if (accounts.offReason() != null) {
            throw new Refusal(ErrorCode.ACCOUNTS_OFF, accounts.offReason());
        }
        return accounts;
    }

    void login(Request.Login r) throws Refusal {
        client.send(new Event.Account(logIn(r.credentials()), r.ref()));
    }

    /** Logs this client in to the account {@code credentials} name; returns its name as registered. */
    String logIn(Request.Credentials credentials) throws Refusal {
        Accounts accounts = accounts();
        if (client.account() != null) {
            throw new Refusal(ErrorCode.ALREADY_LOGGED_IN, "you are logged in as " + client.account());
        }
        Accounts.Verdict verdict = accounts.login(credentials.account(), credentials.password(), client.address());
        if (verdict.account() == null) {
            if (verdict.retryAfterSeconds() > 0) {
                throw new Refusal(ErrorCode.RATE_LIMITED, "too many failed logins: try again in "
                        + verdict.retryAfterSeconds() + " s");
            }
            LOG.info("failed login to account {} from {}", SafeText.neutralize(cut(credentials.account())), client.peer());
            throw new Refusal(ErrorCode.LOGIN_FAILED, "wrong account or password");
        }
        String name = verdict.account().name();
        if (client.person() == null) {
            client.setAccount(name); // the hello that follows makes the person
        } else {
            commands.registration().loggedInAfterHello(name);
        }
        return name;
    }

    void register(Request.Register r) throws Refusal {
        Accounts accounts = accounts();
        if (client.account() != null) {
            throw new Refusal(ErrorCode.ALREADY_LOGGED_IN, "you are logged in as " + client.account());
        }
        String name = r.account() == null ? client.nick() : r.account();
        if (name == null) {
            throw new Refusal(ErrorCode.MISSING_FIELD, "before hello, register needs the account's name");
        }
        if (client.registered() && !Names.skeleton(name).equals(Names.skeleton(client.nick()))) {
            throw new Refusal(ErrorCode.INVALID_NICK, "register makes your nick (" + client.nick() + ") an account; "
                    + "change nick first to register " + name);
        }
        String problem = Names.nickProblem(name, chat.config().maxNickChars());
        if (problem != null) {
            throw new Refusal(ErrorCode.INVALID_NICK, "an account's name is a nick: " + problem);
        }
        String weak = Accounts.passwordProblem(r.password());
        if (weak != null) {
            throw new Refusal(ErrorCode.WEAK_PASSWORD, weak);
        }
        Accounts.Registered outcome;
        try {
            outcome = accounts.register(name, r.password(), client.address());
        } catch (IOException e) {
            LOG.error("registering account {}: {}", SafeText.neutralize(name), e.toString());
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not save the account (" + e.getMessage()
                    + "); nothing was registered");
        }
        switch (outcome) {
            case EXISTS -> throw new Refusal(ErrorCode.ACCOUNT_EXISTS, "an account named " + name
                    + " (or one that looks like it) exists: log in to it, or choose another name");
            case THROTTLED -> throw new Refusal(ErrorCode.RATE_LIMITED, "too many registrations from your address: "
                    + "try again in " + Math.max(1, accounts.registrationWait(client.address()) / 60) + " min");
            case CREATED -> {
                LOG.info("account {} registered from {}", SafeText.neutralize(name), client.peer());
                Person person = client.person();
                if (person == null) {
                    client.setAccount(name);
                } else {
                    chat.nicknames().loggedIn(person, name); // nobody else can be it: it is new
                    keepRooms(person);
                }
                client.send(new Event.Account(name, r.ref()));
            }
        }
    }

    void changePassword(Request.ChangePassword r) throws Refusal {
        Accounts accounts = accounts();
        String account = client.account();
        if (account == null) {
            throw new Refusal(ErrorCode.NOT_LOGGED_IN, "log in to your account first");
        }
        String weak = Accounts.passwordProblem(r.newPassword());
        if (weak != null) {
            throw new Refusal(ErrorCode.WEAK_PASSWORD, weak);
        }
        Accounts.Verdict verdict;
        try {
            verdict = accounts.changePassword(account, r.password(), r.newPassword(), client.address());
        } catch (IOException e) {
            LOG.error("changing the password of {}: {}", account, e.toString());
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not save the new password (" + e.getMessage()
                    + "); the old one still holds");
        }
        if (verdict.account() == null) {
            throw verdict.retryAfterSeconds() > 0
                    ? new Refusal(ErrorCode.RATE_LIMITED, "too many failed logins: try again in " + verdict.retryAfterSeconds() + " s")
                    : new Refusal(ErrorCode.LOGIN_FAILED, "the current password is wrong");
        }
        client.send(new Event.Notice("the password of " + account + " is changed", r.ref()));
    }

    /** Operators only (checked by the caller): the account goes, and whoever is logged in to it is a guest again. */
    void drop(Request.DropAccount r) throws Refusal {
        Accounts accounts = accounts();
        Account account = accounts.holderOf(r.account());
        boolean dropped;
        try {
            dropped = account != null && accounts.drop(account.name());
        } catch (IOException e) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not save the change (" + e.getMessage()
                    + "); the account stays");
        }
        if (!dropped) {
            throw new Refusal(ErrorCode.NO_SUCH_ACCOUNT, "there is no account " + r.account());
        }
        LOG.info("account {} dropped by operator {}", account.name(), client.operator());
        Person person = chat.nicknames().accountDropped(account.name()); // if connected: a guest now
        if (person != null) {
            for (Client device : person.devices()) {
                device.deliverLater(new Event.Account(null, null));
            }
            person.inTurn(() -> {
                if (person.devices().isEmpty()) { // kept in its rooms while away: it goes now
                    person.leaving();
                    Commands.depart(chat, person, client.batch(), "account dropped");
                }
            });
        }
        try {
            accounts.alwaysOn().forget(account.name());
        } catch (IOException e) {
            LOG.error("forgetting the rooms and markers of {}: {}", account.name(), e.toString());
        }
        for (Client other : chat.connected()) {
            if (other.person() == null && account.name().equals(other.account())) {
                other.setAccount(null); // logged in before hello
            }
        }
        client.send(new Event.Notice("account " + account.name() + " is dropped; its nick is free", r.ref()));
    }

    /** A guest became an account: the rooms it is in are its account's from now on, kept while it is away. */
    void keepRooms(Person person) {
        for (Room room : person.rooms().all()) {
            try {
                chat.accounts().alwaysOn().joined(person.account(), room.name());
            } catch (IOException e) {
                LOG.error("keeping that {} is in {}: {}", person.account(), room.name(), e.toString());
            }
        }
    }

    /** A name as the log shows it: what a client typed can be long. */
    private static String cut(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }

    /** Whether this client may take {@code nick}: a registered nick (or a look-alike) is its account's alone. */
    void checkReserved(String nick) throws Refusal {
        Account holder = chat.accounts().holderOf(nick);
        String mine = client.account();
        if (holder != null && (mine == null || !Names.skeleton(mine).equals(Names.skeleton(holder.name())))) {
            throw new Refusal(ErrorCode.NICK_RESERVED, "the nick " + nick + " belongs to the account " + holder.name()
                    + ": log in to it first (/login " + holder.name() + " PASSWORD), or choose another nick");
        }
    }

    /** With --accounts-required, a hello must come from a client logged in to an account. */
    void checkAllowedIn() throws Refusal {
        if (chat.config().accountsRequired() && client.account() == null) {
            throw new Refusal(ErrorCode.NOT_LOGGED_IN, "this server is for accounts only: log in first "
                    + "(/login ACCOUNT PASSWORD), or register one (register request with an account name)");
        }
    }
}
