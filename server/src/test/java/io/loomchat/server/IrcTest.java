package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** IRC clients on the chat port, through a raw IRC socket, in rooms shared with JSON and text-mode clients. */
class IrcTest extends ServerTestSupport {

    private IrcTestClient irc(String nick, String... caps) throws Exception {
        return track(IrcTestClient.register(server.port(), nick, caps));
    }

    @Test
    void registrationWithCapabilityNegotiationGivesTheWelcomeNumericsAndTheLobby() throws Exception {
        start();
        IrcTestClient alice = track(new IrcTestClient(server.port()));
        alice.send("CAP LS 302");
        alice.send("NICK alice");
        alice.send("USER alice 0 * :Alice");
        String caps = alice.await("CAP LS", l -> l.contains(" CAP "));
        assertTrue(caps.contains("server-time") && caps.contains("echo-message") && caps.contains("message-tags"), caps);
        alice.send("CAP REQ :server-time bogus-cap");
        assertTrue(alice.await("NAK", l -> l.contains(" CAP ")).contains(" NAK :server-time bogus-cap"));
        alice.send("CAP REQ :server-time");
        assertTrue(alice.await("ACK", l -> l.contains(" CAP ")).contains(" ACK :server-time"));
        alice.send("CAP END");
        for (String numeric : List.of("001", "002", "003", "004", "005")) {
            alice.await(numeric, l -> l.contains(" " + numeric + " alice "));
        }
        alice.await("JOIN #lobby", l -> l.endsWith("JOIN #lobby") && l.contains(":alice!alice@"));
        String names = alice.await("NAMES", l -> l.contains(" 353 alice = #lobby :"));
        assertTrue(names.endsWith(":alice"), names);
        alice.await("end of NAMES", l -> l.contains(" 366 alice #lobby "));
        alice.send("PING :token-1");
        assertTrue(alice.await("PONG", l -> l.contains(" PONG ")).endsWith(":token-1"));
        // The command table: registering again is 462 whatever the parameters; a missing one is 461.
        alice.send("USER again");
        alice.await("462 for USER", l -> l.contains(" 462 alice :You may not reregister"));
        alice.send("PASS");
        alice.await("462 for PASS", l -> l.contains(" 462 alice :You may not reregister"));
        alice.send("JOIN");
        alice.await("461 for JOIN", l -> l.contains(" 461 alice JOIN :Not enough parameters"));
        alice.send("FROBNICATE x");
        alice.await("421", l -> l.contains(" 421 alice FROBNICATE :Unknown command"));
    }

    @Test
    void anIrcClientIsNotGreetedWithAJsonLineAndASilentClientStillIs() throws Exception {
        start();
        IrcTestClient irc = track(new IrcTestClient(server.port()));
        irc.send("NICK quiet");
        irc.send("USER quiet 0 * :Quiet");
        assertTrue(irc.next().startsWith(":"), "the first line an IRC client reads is IRC");
        // Everyone else still hears the greeting first: a silent client, after the moment the server listens.
        try (TestClient silent = TestClient.connect(server.port())) {
            org.awaitility.Awaitility.await("the greeting").atMost(java.time.Duration.ofSeconds(5))
                    .pollInterval(java.time.Duration.ofMillis(20)).until(() -> silent.greeting() != null);
        }
    }

    @Test
    void ircJsonAndTextClientsShareARoom() throws Exception {
        start();
        IrcTestClient alice = irc("alice", "server-time", "message-tags");
        TestClient bob = register("bob");
        alice.await("bob's join", l -> l.contains(":bob!bob@loomchat JOIN #lobby"));
        java.net.Socket carolSocket = new java.net.Socket("127.0.0.1", server.port());
        track(carolSocket);
        carolSocket.getOutputStream().write("carol\n".getBytes());
        alice.await("carol's join", l -> l.contains(":carol!carol@loomchat JOIN #lobby"));

        bob.say("hi from json");
        JsonNode bobsOwn = bob.await("message");
        String line = alice.await("bob's line", l -> l.contains("PRIVMSG #lobby :hi from json"));
        assertTrue(Pattern.compile("^@time=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z;msgid=lobby/" + bobsOwn.get("id").asLong()
                + " :bob!bob@loomchat PRIVMSG #lobby :hi from json$").matcher(line).matches(), line);

        alice.send("PRIVMSG #lobby :hello from irc");
        JsonNode heard = bob.awaitMatching("alice's line", n -> "hello from irc".equals(n.path("text").asText()));
        assertEquals("alice", heard.get("from").asText());
        alice.send("PRIVMSG #lobby :\u0001ACTION waves\u0001");
        JsonNode action = bob.awaitMatching("alice's action", n -> "waves".equals(n.path("text").asText()));
        assertTrue(action.path("action").asBoolean());
        bob.send("{\"type\":\"say\",\"text\":\"nods\",\"action\":true}");
        alice.await("bob's action", l -> l.endsWith("PRIVMSG #lobby :\u0001ACTION nods\u0001"));
        // IRC formatting codes are taken out of what an IRC client says.
        alice.send("PRIVMSG #lobby :\u0002bold\u0002 and \u000304,01red\u0003");
        bob.awaitMatching("the plain text", n -> "bold and red".equals(n.path("text").asText()));
        // The text-mode client read the IRC user's lines as text, like anyone's.
        carolSocket.setSoTimeout((int) TestClient.WAIT.toMillis());
        java.io.InputStream carolIn = carolSocket.getInputStream();
        StringBuilder carol = new StringBuilder();
        while (!carol.toString().contains("<alice> hello from irc")) {
            int b = carolIn.read();
            assertTrue(b >= 0, "carol's connection ended: " + carol);
            carol.append((char) b);
        }
        // Without echo-message, an IRC client does not get its own lines back: next is bob's ping answer.
        alice.send("PING :barrier");
        String afterOwn = alice.await("anything but carol's or bob's lines", l -> !l.contains("PRIVMSG") || l.contains("alice!"));
        assertTrue(afterOwn.contains(" PONG "), "own lines were echoed: " + afterOwn);
    }

    @Test
    void privateMessagesAwayTopicNamesWhoListAndNickChanges() throws Exception {
        start();
        IrcTestClient alice = irc("alice");
        TestClient bob = register("bob");
        alice.await("bob's join", l -> l.contains("JOIN #lobby") && l.contains(":bob!"));
        alice.send("PRIVMSG bob :psst");
        JsonNode psst = bob.awaitMatching("the private line", n -> "private".equals(n.path("type").asText()) && "alice".equals(n.path("from").asText()));
        assertEquals("psst", psst.get("text").asText());
        bob.send("{\"type\":\"msg\",\"to\":\"alice\",\"text\":\"back at you\"}");
        alice.await("bob's private line", l -> l.equals(":bob!bob@loomchat PRIVMSG alice :back at you"));

        alice.send("AWAY :lunch");
        alice.await("306", l -> l.contains(" 306 alice "));
        bob.send("{\"type\":\"msg\",\"to\":\"alice\",\"text\":\"there?\"}");
        bob.awaitMatching("RPL_AWAY as an away event", n -> "away".equals(n.path("type").asText()) && "lunch".equals(n.path("reason").asText()));
        alice.send("AWAY");
        alice.await("305", l -> l.contains(" 305 alice "));
        alice.send("PRIVMSG nobody :hello");
        alice.await("401", l -> l.contains(" 401 alice "));
        bob.send("{\"type\":\"away\",\"reason\":\"in a meeting\"}");
        bob.await("away");
        alice.send("WHOIS bob");
        alice.await("311", l -> l.contains(" 311 alice bob bob loomchat * :bob"));
        alice.await("301", l -> l.contains(" 301 alice bob :in a meeting"));
        alice.await("318", l -> l.contains(" 318 alice bob "));
        alice.send("WHOIS nobody");
        alice.await("401 for WHOIS", l -> l.contains(" 401 alice nobody "));

        alice.send("TOPIC #lobby :release on friday");
        alice.await("the topic change", l -> l.equals(":alice!alice@loomchat TOPIC #lobby :release on friday"));
        bob.awaitMatching("the topic", n -> "topic".equals(n.path("type").asText()) && "release on friday".equals(n.path("topic").asText()));
        alice.send("TOPIC #lobby");
        alice.await("332", l -> l.contains(" 332 alice #lobby :release on friday"));
        alice.send("NAMES #lobby");
        assertTrue(alice.await("353", l -> l.contains(" 353 alice = #lobby :")).endsWith(":alice bob"));
        alice.send("WHO #lobby");
        alice.await("352 for bob", l -> l.contains(" 352 alice #lobby bob "));
        alice.await("315", l -> l.contains(" 315 alice #lobby "));
        alice.send("JOIN #dev");
        alice.await("the join", l -> l.equals(":alice!alice@loomchat JOIN #dev"));
        alice.send("LIST");
        alice.await("322 for dev", l -> l.contains(" 322 alice #dev 1 :"));
        alice.await("323", l -> l.contains(" 323 alice "));
        alice.send("PART #dev :bye dev");
        alice.await("the part", l -> l.startsWith(":alice!alice@loomchat PART #dev"));

        bob.send("{\"type\":\"nick\",\"nick\":\"robert\"}");
        alice.await("the nick change", l -> l.equals(":bob!bob@loomchat NICK :robert"));
        alice.send("NICK robert");
        alice.await("433", l -> l.contains(" 433 alice "));
        alice.send("NICK alicia");
        alice.await("own nick change", l -> l.equals(":alice!alice@loomchat NICK :alicia"));
        alice.send("QUIT :done here");
        alice.await("ERROR", l -> l.startsWith("ERROR :Closing Link: alicia"));
        bob.awaitMatching("alicia's quit", n -> "left".equals(n.path("type").asText()) && n.path("reason").asText().startsWith("quit"));
    }

    @Test
    void aLeaveIsAPartAndADepartureFromTheServerIsOneQuitHoweverManyChannelsItTouches() throws Exception {
        start();
        IrcTestClient alice = irc("alice");
        alice.send("JOIN #dev");
        alice.await("alice in #dev", l -> l.equals(":alice!alice@loomchat JOIN #dev"));
        TestClient bob = register("bob");
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.await("bob in #dev", l -> l.contains(":bob!bob@loomchat JOIN #dev"));
        bob.send("{\"type\":\"leave\",\"room\":\"dev\"}");
        alice.await("bob's leave as a PART", l -> l.equals(":bob!bob@loomchat PART #dev"));
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.await("bob back in #dev", l -> l.contains(":bob!bob@loomchat JOIN #dev"));

        // Bob quits while in #lobby and #dev with alice: her client is told once, as IRC says it.
        bob.send("{\"type\":\"quit\",\"reason\":\"lunch\"}");
        bob.awaitClose(); // by then every room has told its members (queued in order for alice)
        List<String> seen = new java.util.ArrayList<>();
        TestClient carol = register("carol"); // a line queued after bob's departure closes the window looked at
        carol.say("after bob");
        alice.await("carol's line", l -> {
            seen.add(l);
            return l.contains("PRIVMSG #lobby :after bob");
        });
        List<String> aboutBob = seen.stream().filter(l -> l.startsWith(":bob!")).toList();
        assertEquals(List.of(":bob!bob@loomchat QUIT :Quit: lunch"), aboutBob);

        // Back and gone again (a dropped connection this time): told again, once.
        // The nick is freed just after the departure is told: ask until it is.
        TestClient[] again = new TestClient[1];
        org.awaitility.Awaitility.await("bob's nick free again").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> (again[0] = register("bob")) != null);
        TestClient bobAgain = again[0];
        alice.await("bob's return", l -> l.contains(":bob!bob@loomchat JOIN #lobby"));
        bobAgain.close();
        alice.await("bob's second departure", l -> l.startsWith(":bob!bob@loomchat QUIT :"));
    }

    @Test
    void theCommandsItClaimsAnswerAsTheSpecificationsSay() throws Exception {
        java.nio.file.Path operators = java.nio.file.Files.createTempFile("operators", "");
        java.nio.file.Files.writeString(operators, io.loomchat.server.guard.Operators.line("root", "hunter22") + "\n");
        start(testConfig().toBuilder().operatorsFile(operators).build());
        IrcTestClient alice = track(new IrcTestClient(server.port()));
        alice.send("NICK alice");
        alice.send("USER alice 0 * :");
        alice.await("461 for an empty real name", l -> l.contains(" 461 alice USER "));
        alice.send("USER al!ce 0 * :Alice Liddell");
        alice.await("the end of NAMES", l -> l.contains(" 366 alice "));
        TestClient bob = register("bob");
        alice.await("bob's join", l -> l.contains(":bob!bob@loomchat JOIN #lobby"));

        alice.send("PING");
        alice.await("461 for PING without a token", l -> l.contains(" 461 alice PING "));
        alice.send("NICK alice"); // the same nick: nothing to say (the next answer is the WHOIS)
        alice.send("WHOIS alice");
        assertEquals(":loomchat 311 alice alice alce loomchat * :Alice Liddell", alice.next(), "USER's name and real name");
        alice.await("318", l -> l.contains(" 318 alice "));
        alice.send("WHO bob");
        assertTrue(alice.next().contains(" 352 alice * bob loomchat loomchat bob H :0 bob"));
        alice.await("315", l -> l.contains(" 315 alice bob "));
        alice.send("WHO b*");
        assertTrue(alice.next().contains(" 352 alice * bob "), "a mask matches those sharing a room");
        alice.await("315", l -> l.contains(" 315 alice b* "));

        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        bob.await("joined");
        alice.send("LIST #dev");
        alice.await("321", l -> l.contains(" 321 alice "));
        assertTrue(alice.next().contains(" 322 alice #dev 1 :"), "only the channel asked for");
        alice.await("323", l -> l.contains(" 323 alice "));
        alice.send("PRIVMSG #dev :hi");
        alice.await("404: not in that channel", l -> l.contains(" 404 alice #dev "));
        alice.send("PRIVMSG #nowhere :hi");
        alice.await("403: no such channel", l -> l.contains(" 403 alice #nowhere "));
        alice.send("TOPIC #nowhere");
        alice.await("403 for TOPIC", l -> l.contains(" 403 alice #nowhere "));
        alice.send("KICK #nowhere bob");
        alice.await("403 for KICK before any privilege check", l -> l.contains(" 403 alice #nowhere "));
        alice.send("MODE #lobby");
        alice.await("324", l -> l.contains(" 324 alice #lobby +n"));
        alice.send("MODE #lobby +nt");
        alice.await("472 for t alone", l -> l.contains(" 472 alice t :"));
        alice.send("@+typing=active TAGMSG #lobby"); // client tags are denied (CLIENTTAGDENY=*): nothing
        alice.send("@+x=" + "y".repeat(5000) + " PRIVMSG #lobby :tagged");
        alice.await("417 for tags over 4094 bytes", l -> l.contains(" 417 alice "));
        alice.send("OPER root hunter22");
        alice.await("381", l -> l.contains(" 381 alice "));
        assertEquals(":alice MODE alice :+o", alice.next());
        alice.send("KICK #lobby nosuchnick");
        alice.await("401 names the nick", l -> l.contains(" 401 alice nosuchnick "));
        alice.send("MODE #lobby +b bob!bob@example");
        alice.await("472: only nick!*@* masks", l -> l.contains(" 472 alice b :"));
        alice.send("TOPIC");
        alice.await("461 for a bare TOPIC", l -> l.contains(" 461 alice TOPIC "));
        int most = server.config().maxTopicChars(); // a longer topic is cut, never inside a character
        alice.send("TOPIC #lobby :" + "x".repeat(most - 1) + "\uD83D\uDE00 and more");
        alice.await("the topic cut to TOPICLEN", l -> l.equals(":alice!alice@loomchat TOPIC #lobby :" + "x".repeat(most - 1)));
        alice.send("ISON bob nobody");
        alice.await("303", l -> l.endsWith(" 303 alice :bob"));
        alice.send("MOTD");
        alice.await("422", l -> l.contains(" 422 alice "));
        alice.send("VERSION");
        alice.await("351", l -> l.contains(" 351 alice loomchat "));

        bob.send("{\"type\":\"leave\",\"room\":\"dev\",\"reason\":\"back later\"}");
        JsonNode left = bob.await("left");
        assertEquals("leave: back later", left.get("reason").asText());
        alice.send("JOIN #dev");
        alice.await("alice in #dev", l -> l.contains(":alice!alice@loomchat JOIN #dev"));
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.await("bob in #dev", l -> l.contains(":bob!bob@loomchat JOIN #dev"));
        alice.send("PART #dev :see you");
        assertEquals("leave: see you", bob.awaitMatching("alice's leave", n -> "left".equals(n.path("type").asText()))
                .get("reason").asText());
        alice.send("JOIN 0"); // leaves every channel
        alice.await("alice out of #lobby", l -> l.startsWith(":alice!alice@loomchat PART #lobby"));
    }

    @Test
    void badInputGetsNumericsAndTheConnectionGoesOn() throws Exception {
        start();
        IrcTestClient early = track(new IrcTestClient(server.port()));
        early.send("NICK early");
        early.send("JOIN #lobby");
        early.await("451", l -> l.contains(" 451 "));
        early.send("USER early 0 * :Early");
        early.await("001", l -> l.contains(" 001 early "));
        early.send("FROBNICATE now");
        early.await("421", l -> l.contains(" 421 early FROBNICATE "));
        early.send("PRIVMSG #lobby");
        early.await("412", l -> l.contains(" 412 early "));
        early.send("MODE #lobby");
        early.await("324", l -> l.contains(" 324 early #lobby "));
        early.send("MODE #lobby +b");
        early.await("368", l -> l.contains(" 368 early #lobby "));
        early.send("MODE #lobby +b somebody!*@*");
        early.await("481: only operators ban", l -> l.contains(" 481 early "));
        early.send("KICK #lobby early :no");
        early.await("481 again", l -> l.contains(" 481 early "));
        early.send(":fake!prefix@x PING :still-here");
        early.await("PONG", l -> l.contains(" PONG ") && l.endsWith(":still-here"));
        early.send("x".repeat(20_000));
        early.await("417", l -> l.contains(" 417 early "));
        early.send("PING :after-long");
        early.await("PONG", l -> l.endsWith(":after-long"));
    }

    @Test
    void aLongLineReachesAnIrcClientCutBetweenCharactersWithinFiveHundredTwelveBytes() throws Exception {
        start();
        IrcTestClient alice = irc("alice");
        TestClient bob = register("bob");
        alice.await("bob's join", l -> l.contains(":bob!") && l.contains("JOIN"));
        alice.lengths.clear();
        alice.received.clear();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append("é€😀x");
        }
        bob.say(text.toString());
        StringBuilder joined = new StringBuilder();
        List<Integer> lengths = new ArrayList<>();
        while (joined.length() < text.length()) {
            String line = alice.await("a piece", l -> l.contains("PRIVMSG #lobby :"));
            joined.append(line.substring(line.indexOf(" :") + 2));
            lengths.add(alice.lengths.take());
        }
        assertEquals(text.toString(), joined.toString(), "said once, every character whole");
        assertTrue(lengths.size() > 1 && lengths.stream().allMatch(n -> n <= 512), lengths.toString());
        // A line break in someone's text cannot become a second IRC line.
        bob.say("two\r\nQUIT :lines");
        assertEquals(":bob!bob@loomchat PRIVMSG #lobby :two^M^JQUIT :lines", alice.await("the neutralized line", l -> l.contains("two")));
    }

    @Test
    void chathistoryPagesTheRoomInABatch() throws Exception {
        start();
        TestClient bob = register("bob");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            bob.say("line " + i);
            ids.add(bob.await("message").get("id").asLong());
        }
        IrcTestClient alice = irc("alice", "batch", "draft/chathistory", "message-tags", "server-time");
        alice.received.clear();
        alice.send("CHATHISTORY BEFORE #lobby msgid=lobby/" + ids.get(10) + " 5");
        String open = alice.await("the batch", l -> l.contains(" BATCH +"));
        String id = open.substring(open.indexOf('+') + 1, open.indexOf(" chathistory"));
        assertTrue(open.endsWith("chathistory #lobby"), open);
        List<String> texts = new ArrayList<>();
        while (true) {
            String line = alice.next();
            if (line.contains("BATCH -" + id)) {
                break;
            }
            assertTrue(line.startsWith("@batch=" + id + ";time="), line);
            texts.add(line.substring(line.indexOf("PRIVMSG #lobby :") + "PRIVMSG #lobby :".length()));
        }
        assertEquals(List.of("line 5", "line 6", "line 7", "line 8", "line 9"), texts);
        alice.send("CHATHISTORY BEFORE #lobby timestamp=2026-01-01T00:00:00.000Z 5");
        alice.await("FAIL", l -> l.contains("FAIL CHATHISTORY INVALID_PARAMS"));
        alice.send("CHATHISTORY LATEST #nowhere * 5");
        alice.await("FAIL for a channel not joined", l -> l.contains("FAIL CHATHISTORY INVALID_TARGET"));
        // Live lines are never part of a batch.
        bob.say("live");
        assertFalse(alice.await("the live line", l -> l.endsWith(":live")).contains("batch="));
    }

    @Test
    void anIrcClientThatNeverSendsUserIsClosedAtTheHandshakeTimeout() throws Exception {
        start(testConfig().toBuilder().handshakeTimeout(java.time.Duration.ofMillis(500)).build());
        IrcTestClient half = track(new IrcTestClient(server.port()));
        half.send("NICK halfway");
        String error = half.await("the ERROR line", l -> l.startsWith("ERROR :Closing Link"));
        assertTrue(error.contains("Registration timeout"), error);
        while (!half.next().equals(IrcTestClient.CLOSED)) {
            // nothing else is expected, but the close must come
        }
    }

    @Test
    void aLineWithManyTargetsIsChargedOneLinePerTargetAndCappedByTargmax() throws Exception {
        start(testConfig().toBuilder().floodLinesPerSecond(5).floodBurst(20).build());
        IrcTestClient alice = irc("alice");
        TestClient bob = register("bob");
        alice.await("bob's join", l -> l.contains(":bob!") && l.contains("JOIN"));
        for (String room : List.of("a", "b", "c")) {
            bob.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"j" + room + "\"}");
            bob.awaitMatching("bob in " + room, n -> ("j" + room).equals(n.path("ref").asText()));
        }
        alice.send("JOIN #a,#b,#c");
        alice.await("alice in #c", l -> l.contains(":alice!alice@loomchat JOIN #c"));
        alice.send("PRIVMSG #lobby,#a,#b,#c,#lobby :five targets");
        alice.await("407", l -> l.contains(" 407 alice "));
        for (int i = 0; i < 10; i++) {
            alice.send("PRIVMSG #lobby,#a,#b,#c :burst " + i);
        }
        // Flood control may refuse a PING right after the burst: ask again until one is answered, which means
        // every line before it was handled.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).pollInterval(java.time.Duration.ofMillis(300))
                .until(() -> {
                    alice.send("PING :done");
                    return alice.received.stream().anyMatch(l -> l.contains(" PONG ") && l.endsWith(":done"));
                });
        bob.send("{\"type\":\"ping\",\"ref\":\"barrier\"}");
        int said = 0;
        while (true) {
            JsonNode n = bob.next();
            if ("barrier".equals(n.path("ref").asText())) {
                break;
            }
            if ("message".equals(n.path("type").asText()) && n.path("text").asText().startsWith("burst")) {
                said++;
            }
        }
        // 40 asked for; flood control's burst of 20 lines (three already spent on JOIN #a,#b,#c, one on the
        // PING, a couple more from the refill) is what a client sending one target per line would get.
        assertTrue(said >= 12 && said <= 25, said + " lines said");
    }

    @Test
    void numericsNameTheNickOrChannelAndAJoinShowsTheCurrentTopic() throws Exception {
        start();
        TestClient bob = register("bob");
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        bob.send("{\"type\":\"topic\",\"room\":\"dev\",\"text\":\"freeze friday\",\"ref\":\"t\"}");
        bob.awaitMatching("the topic", n -> "t".equals(n.path("ref").asText()));
        IrcTestClient taken = track(new IrcTestClient(server.port()));
        taken.send("NICK bob");
        taken.send("USER bob 0 * :Bob");
        taken.await("433 naming the nick", l -> l.startsWith(":loomchat 433 * bob :"));
        taken.send("NICK bob_");
        taken.await("the welcome", l -> l.contains(" 001 bob_ "));
        taken.send("JOIN #dev");
        taken.await("the join", l -> l.equals(":bob_!bob_@loomchat JOIN #dev"));
        String topic = taken.await("the current topic", l -> l.contains("freeze friday"));
        assertTrue(topic.contains(" 332 bob_ #dev :freeze friday"), topic);
        taken.send("PRIVMSG nobody :x");
        taken.await("401 naming the nick", l -> l.contains(" 401 bob_ nobody :"));
        taken.send("NOTICE nobody :x");
        taken.send("NAMES #nowhere");
        String next = taken.await("the end of NAMES", l -> l.contains(" 366 ") || l.contains(" 401 "));
        assertTrue(next.contains(" 366 bob_ #nowhere "), "no answer to a NOTICE, then the NAMES end: " + next);
        bob.send("{\"type\":\"topic\",\"room\":\"dev\",\"text\":\"thaw monday\"}");
        taken.await("a topic change as TOPIC", l -> l.equals(":bob!bob@loomchat TOPIC #dev :thaw monday"));
    }

    @Test
    void withAwayNotifyAnIrcClientHearsOthersGoAwayAndComeBack() throws Exception {
        start();
        IrcTestClient alice = irc("alice", "away-notify");
        IrcTestClient plain = irc("plain");
        TestClient bob = register("bob");
        alice.await("bob's join", l -> l.contains(":bob!") && l.contains("JOIN"));
        bob.send("{\"type\":\"away\",\"reason\":\"lunch\"}");
        alice.await("AWAY", l -> l.equals(":bob!bob@loomchat AWAY :lunch"));
        bob.send("{\"type\":\"away\"}");
        alice.await("back", l -> l.equals(":bob!bob@loomchat AWAY"));
        // Without the capability: nothing (PING answered first proves it).
        plain.send("PING :check");
        String next = plain.await("the next line about bob or the PONG", l -> l.contains("AWAY") || l.contains(" PONG "));
        assertTrue(next.contains(" PONG "), next);
        // The protocol's clients are not sent others' away changes either.
        TestClient carol = register("carol");
        bob.send("{\"type\":\"away\",\"reason\":\"again\"}");
        alice.await("AWAY again", l -> l.endsWith("AWAY :again"));
        carol.expectNothingPending();
    }

    @Test
    void withIrcOffTheFirstLineIsTextMode() throws Exception {
        start(testConfig().toBuilder().irc(false).build());
        IrcTestClient alice = track(new IrcTestClient(server.port()));
        alice.send("NICK alice");
        String reply = alice.await("the text-mode notice", l -> l.contains("text mode"));
        assertFalse(reply.contains(" 001 "), reply);
    }
}
