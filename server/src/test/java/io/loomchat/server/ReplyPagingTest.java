package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A reply never exceeds half an outbox: long member and room lists come in pages instead of cutting the asker off. */
class ReplyPagingTest extends ServerTestSupport {

    private static final int OUTBOX = 16 * 1024;
    private static final String CONTROLS = "\\u0001".repeat(200); // each escaped to six bytes

    private ServerConfig smallOutbox() {
        return testConfig().toBuilder().maxOutboxBytes(OUTBOX).quietJoinsAbove(0).build();
    }

    @Test
    void aLongMemberListComesInPagesAndTheAskerStaysConnected() throws Exception {
        start(smallOutbox());
        TreeSet<String> everyone = new TreeSet<>();
        for (int i = 0; i < 60; i++) {
            TestClient member = register("member" + i);
            member.send("{\"type\":\"away\",\"reason\":\"" + CONTROLS + "\",\"ref\":\"a\"}");
            member.awaitMatching("away", n -> "a".equals(n.path("ref").asText()));
            everyone.add("member" + i);
        }
        TestClient asker = register("asker");
        everyone.add("asker");
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            asker.send("{\"type\":\"who\",\"room\":\"lobby\"" + (after == null ? "" : ",\"after\":\"" + after + "\"") + ",\"ref\":\"w\"}");
            JsonNode page = asker.awaitMatching("members", n -> "w".equals(n.path("ref").asText()));
            assertEquals("members", page.get("type").asText(), page.toString());
            assertTrue(page.toString().length() <= OUTBOX / 2, "a page fits half the outbox");
            page.get("nicks").forEach(n -> seen.add(n.asText()));
            pages++;
            if (!page.path("more").asBoolean()) {
                break;
            }
            after = seen.getLast();
        }
        assertTrue(pages > 1, "it took pages: " + pages);
        assertEquals(new ArrayList<>(everyone), seen, "every member once, in order");
        asker.expectNothingPending();
    }

    @Test
    void aLongRoomListComesInPagesAndTheAskerStaysConnected() throws Exception {
        start(smallOutbox().toBuilder().maxRoomsPerClient(64).build());
        TestClient owner = register("owner");
        TreeSet<String> rooms = new TreeSet<>(List.of("lobby"));
        for (int i = 0; i < 40; i++) {
            String room = String.format("room%02d", i);
            owner.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            owner.send("{\"type\":\"topic\",\"room\":\"" + room + "\",\"text\":\"" + CONTROLS + "\",\"ref\":\"t\"}");
            owner.awaitMatching("topic", n -> "t".equals(n.path("ref").asText()));
            rooms.add(room);
        }
        TestClient asker = register("asker");
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            asker.send("{\"type\":\"rooms\"" + (after == null ? "" : ",\"after\":\"" + after + "\"") + ",\"ref\":\"r\"}");
            JsonNode page = asker.awaitMatching("room_list", n -> "r".equals(n.path("ref").asText()));
            assertTrue(page.toString().length() <= OUTBOX / 2, "a page fits half the outbox");
            page.get("rooms").forEach(r -> seen.add(r.get("name").asText()));
            pages++;
            if (!page.path("more").asBoolean()) {
                break;
            }
            after = seen.getLast();
        }
        assertTrue(pages > 1, "it took pages: " + pages);
        assertEquals(new ArrayList<>(rooms), seen);
        asker.expectNothingPending();
    }

    @Test
    void aLineOfControlCharactersThatWouldGrowSixfoldIsRefused() throws IOException {
        start();
        TestClient alice = register("alice");
        // Only text mode can carry raw control bytes (JSON strings must escape them, so they cost the
        // sender as much as everyone else); each one would be stored and sent as six.
        try (java.net.Socket nc = new java.net.Socket("127.0.0.1", server.port())) {
            nc.getOutputStream().write("bob\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(nc.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            alice.awaitMatching("bob's join", n -> "bob".equals(n.path("nick").asText()));
            byte[] controls = new byte[16_000];
            java.util.Arrays.fill(controls, (byte) 1);
            nc.getOutputStream().write(controls);
            nc.getOutputStream().write("\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("!!!")) {
                // greeting, welcome, joins
            }
            assertTrue(line.startsWith("!!! invalid_text"), line);
            nc.getOutputStream().write(("é".repeat(5_000) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            JsonNode accented = alice.awaitMatching("bob's line", n -> "message".equals(n.path("type").asText()));
            assertEquals(5_000, accented.get("text").asText().length(), "accented letters are not escaped, so not refused");
        }
    }
}
