package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.config.WebConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts through every front, over real sockets: registering makes a nick an account's alone (look-alikes
 * and renames included), logging in takes it back, and it all survives a restart. One rule in the chat
 * layer; JSON, text mode, IRC and WebSocket each reach it.
 */
class AccountsTest extends ServerTestSupport {

    static final String PASSWORD = "correct horse";

    @TempDir
    Path data;

    /** Few PBKDF2 rounds: the tests are about behaviour, not about the hash's cost. */
    ServerConfig withAccounts() {
        return testConfig().toBuilder().dataDir(data).accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS)
                .build();
    }

    static String hello(String nick) {
        return "{\"type\":\"hello\",\"nick\":\"" + nick + "\"}";
    }

    static String helloAs(String nick, String account, String password) {
        return "{\"type\":\"hello\",\"nick\":\"" + nick + "\",\"account\":\"" + account + "\",\"account_password\":\""
                + password + "\"}";
    }

    /** Registers {@code nick} as a guest, then makes it an account; returns the client, logged in. */
    TestClient registerAccount(String nick) throws Exception {
        TestClient c = register(nick);
        c.send("{\"type\":\"register\",\"password\":\"" + PASSWORD + "\",\"ref\":\"r1\"}");
        JsonNode account = c.await("account");
        assertEquals(nick, account.get("account").asText());
        assertEquals("r1", account.get("ref").asText());
        return c;
    }

    /** Registers {@code nick} as an account and quits, waiting until the nick is free. */
    void registerAndLeave(String nick) throws Exception {
        TestClient c = registerAccount(nick);
        c.send("{\"type\":\"quit\"}");
        c.awaitClose();
    }

    @Test
    void withoutADataDirectoryRegisteringIsRefusedWithOneLineSayingWhy() throws Exception {
        start();
        TestClient alice = register("alice");
        alice.send("{\"type\":\"register\",\"password\":\"" + PASSWORD + "\",\"ref\":\"r\"}");
        JsonNode error = alice.await("error");
        assertEquals("accounts_off", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("--data-dir"), error.toString());
    }

    @Test
    void aRegisteredNickAndItsLookAlikesAreTheAccountsAloneUntilItsOwnerLogsIn() throws Exception {
        start(withAccounts());
        TestClient alice = registerAccount("alice");
        alice.send("{\"type\":\"quit\"}");
        alice.awaitClose();

        for (String squat : List.of("alice", "ALICE", "aIice")) {
            TestClient guest = connect();
            guest.send(hello(squat));
            assertEquals("nick_reserved", guest.await("error").get("code").asText(), squat);
        }
        TestClient bob = register("bob");
        bob.send("{\"type\":\"nick\",\"nick\":\"a1ice\"}");
        assertEquals("nick_reserved", bob.await("error").get("code").asText());

        TestClient wrong = connect();
        wrong.send(helloAs("alice", "alice", "not the password"));
        JsonNode refused = wrong.await("error");
        assertEquals("login_failed", refused.get("code").asText());
        wrong.send("{\"type\":\"ping\",\"ref\":\"still\"}"); // a failed login leaves the connection open
        assertEquals("still", wrong.await("pong").get("ref").asText());

        TestClient back = connect();
        back.send(helloAs("alice", "alice", PASSWORD));
        JsonNode welcome = back.await("welcome");
        assertEquals("alice", welcome.get("nick").asText());
        assertEquals("alice", welcome.get("account").asText());
    }

    @Test
    void someoneHoldingANickWhenItIsRegisteredKeepsItUntilTheyLeave() throws Exception {
        start(withAccounts());
        TestClient holder = register("carol");
        TestClient owner = connect();
        owner.send("{\"type\":\"register\",\"account\":\"carol\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals("carol", owner.await("account").get("account").asText());
        holder.say("still mine");
        assertEquals("still mine", holder.await("message").get("text").asText());
        owner.send(hello("carol"));
        assertEquals("nick_taken", owner.await("error").get("code").asText());
        holder.send("{\"type\":\"quit\"}");
        holder.awaitClose();
        owner.send(hello("carol"));
        assertEquals("carol", owner.await("welcome").get("account").asText());
    }

    @Test
    void accountsAndPasswordChangesSurviveARestart() throws Exception {
        start(withAccounts());
        TestClient dave = registerAccount("dave");
        dave.send("{\"type\":\"password\",\"password\":\"" + PASSWORD + "\",\"new_password\":\"battery staple\",\"ref\":\"p\"}");
        assertEquals("p", dave.await("notice").get("ref").asText());
        dave.send("{\"type\":\"password\",\"password\":\"x\",\"new_password\":\"short\"}");
        assertEquals("weak_password", dave.await("error").get("code").asText());
        server.close();

        start(withAccounts());
        TestClient old = connect();
        old.send(helloAs("dave", "dave", PASSWORD));
        assertEquals("login_failed", old.await("error").get("code").asText());
        TestClient fresh = connect();
        fresh.send("{\"type\":\"login\",\"account\":\"Dave\",\"password\":\"battery staple\",\"ref\":\"l\"}");
        assertEquals("dave", fresh.await("account").get("account").asText()); // as registered
        fresh.send(hello("dave"));
        assertEquals("dave", fresh.await("welcome").get("account").asText());
    }

    @Test
    void anOperatorDropsAnAccountAndItsNickIsFreeAgain() throws Exception {
        Path operators = data.resolve("operators");
        java.nio.file.Files.writeString(operators, io.loomchat.server.guard.Operators.line("root", "hunter22") + "\n");
        start(withAccounts().toBuilder().operatorsFile(operators).build());
        TestClient erin = registerAccount("erin");
        TestClient op = register("op");
        op.send("{\"type\":\"drop_account\",\"account\":\"erin\"}");
        assertEquals("not_operator", op.await("error").get("code").asText());
        op.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"hunter22\"}");
        op.await("notice");
        op.send("{\"type\":\"drop_account\",\"account\":\"ERIN\",\"ref\":\"d\"}");
        assertEquals("d", op.await("notice").get("ref").asText());
        assertTrue(erin.await("account").get("account") == null, "erin is told she is logged out");
        erin.send("{\"type\":\"quit\"}");
        erin.awaitClose();
        TestClient guest = register("erin"); // free again
        assertEquals("erin", guest.nick);
    }

    @Test
    void aNetcatUserRegistersAndLogsInWithSlashCommands() throws Exception {
        start(withAccounts());
        try (Socket nc = new Socket("127.0.0.1", server.port())) {
            nc.setSoTimeout((int) TestClient.WAIT.toMillis());
            BufferedReader screen = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
            OutputStream keyboard = nc.getOutputStream();
            type(keyboard, "frank");
            awaitLine(screen, "welcome");
            type(keyboard, "/register " + PASSWORD);
            awaitLine(screen, "you are logged in as frank");
            type(keyboard, "/quit");
        }
        TestClient squatter = connect();
        squatter.send(hello("frank"));
        assertEquals("nick_reserved", squatter.await("error").get("code").asText());
        try (Socket nc = new Socket("127.0.0.1", server.port())) {
            nc.setSoTimeout((int) TestClient.WAIT.toMillis());
            BufferedReader screen = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
            type(nc.getOutputStream(), "/login frank " + PASSWORD);
            assertTrue(awaitLine(screen, "welcome").contains("account frank"));
        }
    }

    @Test
    void anIrcClientRegistersThenLogsInWithSaslPlainAndWhoisShowsTheAccount() throws Exception {
        start(withAccounts());
        IrcTestClient grace = track(IrcTestClient.register(server.port(), "grace"));
        grace.send("REGISTER * * " + PASSWORD.replace(' ', '-'));
        grace.await("REGISTER SUCCESS", l -> l.contains("REGISTER SUCCESS grace"));
        grace.await("900", l -> l.contains(" 900 grace ") && l.contains(" grace :You are now logged in as grace"));
        grace.send("QUIT");
        while (!grace.next().equals(IrcTestClient.CLOSED)) {
            // the QUIT's answer, then the close
        }

        IrcTestClient squatter = track(new IrcTestClient(server.port()));
        squatter.send("NICK grace");
        squatter.send("USER g 0 * :g");
        squatter.await("433", l -> l.contains(" 433 ") && l.contains("belongs to the account grace"));

        IrcTestClient back = track(new IrcTestClient(server.port()));
        back.send("CAP LS 302");
        back.await("sasl offered", l -> l.contains(" LS :") && l.contains("sasl=PLAIN"));
        back.send("NICK grace");
        back.send("USER grace 0 * :Grace");
        back.send("CAP REQ :sasl");
        back.await("ACK", l -> l.contains(" ACK :sasl"));
        back.send("AUTHENTICATE PLAIN");
        back.await("go on", l -> l.equals("AUTHENTICATE +"));
        back.send("AUTHENTICATE " + Base64.getEncoder().encodeToString(
                ("\0grace\0" + PASSWORD.replace(' ', '-')).getBytes(StandardCharsets.UTF_8)));
        back.await("900", l -> l.contains(" 900 ") && l.contains(" grace :You are now logged in"));
        back.await("903", l -> l.contains(" 903 "));
        back.send("CAP END");
        back.await("welcome", l -> l.contains(" 001 grace "));
        back.send("WHOIS grace");
        back.await("330", l -> l.contains(" 330 grace grace grace :is logged in as"));
    }

    @Test
    void anIrcClientWithAWrongSaslPasswordGets904AndCanRetry() throws Exception {
        start(withAccounts());
        registerAndLeave("heidi");
        IrcTestClient irc = track(new IrcTestClient(server.port()));
        irc.send("CAP LS 302");
        irc.send("CAP REQ :sasl");
        irc.await("ACK", l -> l.contains(" ACK :sasl"));
        irc.send("AUTHENTICATE PLAIN");
        irc.await("go on", l -> l.equals("AUTHENTICATE +"));
        irc.send("AUTHENTICATE " + Base64.getEncoder().encodeToString("heidi\0heidi\0wrong one".getBytes(StandardCharsets.UTF_8)));
        irc.await("904", l -> l.contains(" 904 "));
        irc.send("AUTHENTICATE SCRAM-SHA-256");
        irc.await("908", l -> l.contains(" 908 ") && l.contains("PLAIN"));
        irc.send("PASS :heidi:" + PASSWORD);
        irc.send("NICK heidi");
        irc.send("USER heidi 0 * :Heidi");
        irc.send("CAP END");
        irc.await("900 after PASS account:password", l -> l.contains(" 900 ") && l.contains(" heidi :"));
        irc.await("welcome", l -> l.contains(" 001 heidi "));
    }

    @Test
    void aBrowserLogsInOverTheWebSocketLikeAnyOtherClient() throws Exception {
        start(withAccounts().toBuilder().web(new WebConfig("127.0.0.1", 0, true, List.of())).build());
        registerAndLeave("ivan");
        WsTestClient squatter = track(WsTestClient.open(server.webPort(), null, "ivan"));
        squatter.send(hello("ivan"));
        assertEquals("nick_reserved", squatter.await("error").get("code").asText());
        WsTestClient browser = track(WsTestClient.open(server.webPort(), null, "ivan"));
        browser.send(helloAs("ivan", "ivan", PASSWORD));
        assertEquals("ivan", browser.await("welcome").get("account").asText());
    }

    @Test
    void aPasswordIsNeverWrittenToTheAccountsFile() throws Exception {
        start(withAccounts());
        registerAccount("judy");
        String file = java.nio.file.Files.readString(data.resolve("accounts.jsonl"));
        assertTrue(file.contains("\"account\":\"judy\""), file);
        assertFalse(file.contains("horse"), file);
    }

    static void type(OutputStream keyboard, String line) throws Exception {
        keyboard.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    static String awaitLine(BufferedReader screen, String text) throws Exception {
        for (String line; (line = screen.readLine()) != null; ) {
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("the connection closed before a line with: " + text);
    }
}
