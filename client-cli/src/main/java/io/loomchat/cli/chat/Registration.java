package io.loomchat.cli.chat;

import io.loomchat.protocol.CloseCode;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Request.Credentials;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Replay;
import java.util.Set;

/**
 * The hellos this client sends and how the server answered them: the server password, the history asked
 * for on the first join, why the last hello was refused, and the server's last word (its bye), which may
 * refuse this client for good.
 */
final class Registration {

    /**
     * Close codes that no reconnect can change: the same nick, address and password get the same answer;
     * and too many wrong /oper logins, whose limit a reconnect (with fresh tries) would undo.
     */
    private static final Set<CloseCode> REFUSALS = Set.of(CloseCode.BANNED, CloseCode.BAD_PASSWORD, CloseCode.OPER_FAILED);

    private Replay firstReplay = Replay.DEFAULT;
    private String password; // the server's, sent with every hello
    private Credentials login; // the account logged in to with every hello; null for none
    private String helloRef;
    private String error; // "code: message" of the last hello's refusal
    private String errorCode;
    private Bye bye; // on the current connection
    private Bye refusal; // a bye saying that coming back is pointless: banned, a wrong server password, /oper tries used up

    void askHistoryOnJoin(int messages) {
        firstReplay = Replay.last(messages);
    }

    void useSecrets(String serverPassword, Credentials account) {
        password = serverPassword;
        login = account;
    }

    Replay firstReplay() {
        return firstReplay;
    }

    Hello hello(String nick, String room, Replay replay, String resume, String ref) {
        helloRef = ref;
        error = null;
        errorCode = null;
        return new Hello(nick, room, replay, resume, password, login, ref);
    }

    /** Whether {@code e} refuses our last hello; if so, remembered. */
    boolean refusedHello(ErrorReply e) {
        if (e.ref() == null || !e.ref().equals(helloRef)) {
            return false;
        }
        error = e.code() + ": " + e.message();
        errorCode = e.code();
        return true;
    }

    void closedWith(Bye b) {
        bye = b;
        if (REFUSALS.contains(CloseCode.fromWire(b.code()))) {
            refusal = b;
        }
    }

    void connectionLost() {
        bye = null;
    }

    String error() {
        return error;
    }

    boolean nickTaken() {
        return ErrorCode.NICK_TAKEN.wireName().equals(errorCode);
    }

    Bye bye() {
        return bye;
    }

    Bye refusal() {
        return refusal;
    }
}
