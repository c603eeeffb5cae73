package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.Pong;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.RoomInfo;
import io.loomchat.protocol.Event.RoomList;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Leave;
import io.loomchat.protocol.Request.ListRooms;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.Request.Who;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodecTest {

    private static final Instant TS = Instant.parse("2026-11-27T09:15:02.041Z");

    static Stream<Request> everyRequest() {
        return Stream.of(
                new Hello("alice", null, null),
                new Hello("alice", "dev", "r1"),
                new Say(null, "hi", false, null),
                new Say("lobby", "waves", true, "r2"),
                new Msg("bob", "psst", false, "r3"),
                new Join("dev", "r4"),
                new Leave(null, null),
                new Leave("dev", "r5"),
                new Nick("alice2", "r6"),
                new Who(null, null),
                new Who("dev", "r7"),
                new ListRooms("r8"),
                new Ping(null),
                new Ping("r9"),
                new Quit(null, null),
                new Quit("bye all", "r10"),
                new Request.Pong(null),
                new Hello("alice", "dev", Request.Replay.after(41), "tok3n", "r11"),
                new Hello("alice", null, Request.Replay.last(0), null, null),
                new Join("dev", Request.Replay.last(50), "r12"),
                new Request.Topic(null, null, "r13"),
                new Request.Topic("dev", "release on friday", null),
                new Request.Away("lunch", "r14"),
                new Request.Away(null, null),
                new Request.History("dev", 120L, null, 50, "r15"),
                new Request.History(null, null, 0L, null, null),
                new Hello("alice", null, Request.Replay.DEFAULT, null, "open sesame", "r16"),
                new Request.Oper("root", "pw", "r17"),
                new Request.Kick(null, "troll", "spam", null),
                new Request.Ban("troll", null, 3600L, "spam", "r18"),
                new Request.Ban(null, "192.0.2.7", null, null, null),
                new Request.Ban("troll", null, 60L, null, true, "r19"),
                new Request.Unban(null, "192.0.2.7", null),
                new Request.Mute("dev", "loud", 600L, "r19"),
                new Request.Unmute(null, "loud", null));
    }

    static Stream<Event> everyEvent() {
        return Stream.of(
                new Welcome("alice", 1, "loomchat", "lobby", "r1"),
                new ChatMessage(42, "lobby", "alice", "hi", false, TS, null),
                new ChatMessage(43, "lobby", "alice", "waves", true, TS, "r2"),
                new PrivateMessage("alice", "bob", "psst", false, TS, "r3"),
                new Joined("dev", "alice", TS, null),
                new Left("dev", "alice", "quit", TS, "r5"),
                new Renamed("alice", "alice2", TS, null),
                new Members("lobby", List.of("alice", "bob"), "r7"),
                new RoomList(List.of(new RoomInfo("dev", 1), new RoomInfo("lobby", 2)), null),
                new Pong("r9"),
                new Event.Ping("s1"),
                new ErrorReply(ErrorCode.NICK_TAKEN, "nick bob is taken", "r6"),
                new Bye("shutdown", "server shutting down"),
                new Welcome("alice", 1, "loomchat", "lobby", "tok3n", "3f2a", "r1"),
                new ChatMessage(41, "lobby", "bob", "earlier", false, TS, true, null),
                new Event.Topic("dev", "release on friday", "alice", TS, "r13"),
                new Event.Topic("dev", "", null, null, null),
                new Event.Away("bob", "lunch", null),
                new Event.Away("bob", null, "r14"),
                new Event.HistoryEnd("dev", 20, true, 120, "r15"),
                new Event.Notice("you are now an operator", "r17"),
                new Members("lobby", List.of("alice", "bob"), java.util.Map.of("bob", "lunch"), null),
                new RoomList(List.of(new RoomInfo("dev", 1, "release on friday")), null));
    }

    @ParameterizedTest
    @MethodSource("everyRequest")
    void everyRequestSurvivesARoundTrip(Request request) throws ProtocolException {
        byte[] line = Codec.encode(request);
        assertEquals('\n', line[line.length - 1], "a line ends with \\n");
        assertEquals(request, Codec.decodeRequest(line, 0, line.length - 1));
    }

    @ParameterizedTest
    @MethodSource("everyEvent")
    void everyEventSurvivesARoundTrip(Event event) throws ProtocolException {
        byte[] line = Codec.encode(event);
        assertEquals(event, Codec.decodeEvent(line, 0, line.length - 1));
    }

    @Test
    void passwordsNeverShowInToString() {
        String shown = new Hello("alice", null, Request.Replay.DEFAULT, "token", "open sesame", null).toString()
                + new Request.Oper("root", "hunter2", null);
        assertFalse(shown.contains("open sesame") || shown.contains("hunter2") || shown.contains("token"), shown);
    }

    @Test
    void fixedWireNamesAreThoseOtherToolsSpeak() {
        assertEquals("{\"type\":\"hello\",\"nick\":\"alice\"}", Codec.encodeToString(new Hello("alice", null, null)));
        assertEquals("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\"}",
                Codec.encodeToString(new Say("lobby", "hi", false, null)));
        assertEquals("{\"type\":\"message\",\"id\":7,\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"hi\","
                        + "\"ts\":\"2026-11-27T09:15:02.041Z\"}",
                Codec.encodeToString(new ChatMessage(7, "lobby", "alice", "hi", false, TS, null)));
        assertEquals("{\"type\":\"error\",\"code\":\"malformed\",\"message\":\"m\",\"ref\":\"x\"}",
                Codec.encodeToString(new ErrorReply(ErrorCode.MALFORMED, "m", "x")));
        assertEquals("{\"type\":\"bye\",\"code\":\"quit\",\"reason\":\"client quit\"}",
                Codec.encodeToString(new Bye("quit", "client quit")));
    }

    @Test
    void timestampsAlwaysCarryMilliseconds() {
        String line = Codec.encodeToString(new Joined("lobby", "a", Instant.parse("2026-01-02T03:04:05Z"), null));
        assertTrue(line.contains("\"ts\":\"2026-01-02T03:04:05.000Z\""), line);
    }

    @Test
    void aForgedFromOnARequestIsIgnored() throws ProtocolException {
        Request r = Codec.decodeRequest("{\"type\":\"say\",\"text\":\"hi\",\"from\":\"mallory\",\"id\":1}");
        assertEquals(new Say(null, "hi", false, null), r);
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() throws ProtocolException {
        assertEquals(new Ping("p"), Codec.decodeRequest("{\"type\":\"ping\",\"ref\":\"p\",\"future\":[1,{}]}"));
    }

    @Test
    void crlfLeftoversAndSurroundingSpaceAreAccepted() throws ProtocolException {
        assertEquals(new Ping(null), Codec.decodeRequest("  {\"type\":\"ping\"}  "));
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("{\"type\":\"join\",\"room\":\"dev\",\"history\":-1}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"history\",\"after\":\"5\"}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"history\",\"before\":-3}", ErrorCode.BAD_FIELD),
                Arguments.of("not json", ErrorCode.MALFORMED),
                Arguments.of("{\"type\":\"say\",", ErrorCode.MALFORMED),
                Arguments.of("[1,2]", ErrorCode.MALFORMED),
                Arguments.of("\"hello\"", ErrorCode.MALFORMED),
                Arguments.of("42", ErrorCode.MALFORMED),
                Arguments.of("null", ErrorCode.MALFORMED),
                Arguments.of("   ", ErrorCode.MALFORMED),
                Arguments.of("{\"type\":\"ping\"} {\"type\":\"ping\"}", ErrorCode.MALFORMED),
                Arguments.of("{\"type\":\"ping\",\"type\":\"quit\"}", ErrorCode.MALFORMED),
                Arguments.of("[".repeat(100) + "]".repeat(100), ErrorCode.MALFORMED),
                Arguments.of("{}", ErrorCode.MISSING_FIELD),
                Arguments.of("{\"type\":null}", ErrorCode.MISSING_FIELD),
                Arguments.of("{\"type\":7}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"launch\"}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{\"type\":\"message\",\"room\":\"a\",\"text\":\"x\"}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{\"type\":\"hello\"}", ErrorCode.MISSING_FIELD),
                Arguments.of("{\"type\":\"hello\",\"nick\":[\"a\"]}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"say\"}", ErrorCode.MISSING_FIELD),
                Arguments.of("{\"type\":\"say\",\"text\":1}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"say\",\"text\":\"x\",\"action\":\"yes\"}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"say\",\"text\":\"x\",\"room\":{}}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"msg\",\"text\":\"x\"}", ErrorCode.MISSING_FIELD),
                Arguments.of("{\"type\":\"join\"}", ErrorCode.MISSING_FIELD),
                Arguments.of("{\"type\":\"nick\",\"nick\":false}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"ping\",\"ref\":5}", ErrorCode.BAD_FIELD),
                Arguments.of("{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}", ErrorCode.BAD_FIELD));
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void malformedInputGetsItsStableCode(String line, ErrorCode expected) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decodeRequest(line));
        assertEquals(expected, e.code(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void theErrorNamesTheFieldAndEchoesTheRef() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Codec.decodeRequest("{\"type\":\"say\",\"text\":1,\"ref\":\"s9\"}"));
        assertEquals("field 'text' must be a string, got a number", e.getMessage());
        assertEquals("s9", e.ref());
        assertEquals("s9", e.toReply().ref());
    }

    @Test
    void invalidUtf8IsMalformedNotACrash() {
        byte[] bad = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decodeRequest(bad, 0, bad.length));
        assertEquals(ErrorCode.MALFORMED, e.code());
    }

    @Test
    void nulBytesAreMalformedNotAHintToReadUtf32() {
        byte[] line = "\0\0\0\0{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decodeRequest(line, 0, line.length));
        assertEquals(ErrorCode.MALFORMED, e.code());
        byte[] inside = "{\"type\":\"say\",\"text\":\"a\0b\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(ErrorCode.MALFORMED,
                assertThrows(ProtocolException.class, () -> Codec.decodeRequest(inside, 0, inside.length)).code());
    }

    @Test
    void decodesOnlyTheGivenSliceOfABuffer() throws ProtocolException {
        byte[] buf = "xx{\"type\":\"ping\"}yy".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Ping(null), Codec.decodeRequest(buf, 2, buf.length - 4));
    }

    @Test
    void terminalHostileCharactersAreEscapedOnTheWire() throws ProtocolException {
        String hostile = "a\u001b[2Jb\u009bc\u202ed\u2066e\u007ff\u2028g";
        String line = Codec.encodeToString(new Say(null, hostile, false, null));
        for (char c : line.toCharArray()) {
            assertTrue(c >= 0x20 && c < 0x7f, () -> "raw character U+" + Integer.toHexString(c) + " in " + line);
        }
        assertTrue(line.contains("\\u001B") || line.contains("\\u001b"), line);
        assertTrue(line.contains("\\u202E"), line);
        assertEquals(hostile, ((Say) Codec.decodeRequest(line)).text(), "escaping loses nothing");
    }

    @Test
    void ordinaryUnicodeIsSentAsIs() {
        String line = Codec.encodeToString(new Say(null, "héllo 世界 🙂", false, null));
        assertTrue(line.contains("héllo 世界 🙂"), line);
    }

    @org.junit.jupiter.api.Test
    void addingARefToEncodedBytesGivesWhatEncodingWithTheRefGives() {
        java.util.List<Event> events = java.util.List.of(
                new Event.ChatMessage(7, "lobby", "alice", "hi \u202e\u0007 \"there\"", false, TS, null),
                new Event.Joined("lobby", "bob", TS, null),
                new Event.Left("lobby", "bob", "quit: bye", TS, null),
                new Event.Topic("lobby", "news", "alice", TS, null),
                new Event.Pong(null));
        for (Event event : events) {
            for (String ref : new String[] {"r1", "\u202e\"quoted\"\n", ""}) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(Codec.encode(withRef(event, ref)),
                        Codec.withRef(Codec.encode(event), ref), event + " with ref " + ref);
            }
            org.junit.jupiter.api.Assertions.assertEquals(Codec.encode(event).length,
                    Codec.withRef(Codec.encode(event), null).length);
        }
    }

    private static Event withRef(Event event, String ref) {
        return switch (event) {
            case Event.ChatMessage m -> m.withRef(ref);
            case Event.Joined j -> new Event.Joined(j.room(), j.nick(), j.ts(), ref);
            case Event.Left l -> new Event.Left(l.room(), l.nick(), l.reason(), l.ts(), ref);
            case Event.Topic t -> new Event.Topic(t.room(), t.topic(), t.by(), t.ts(), ref);
            case Event.Pong p -> new Event.Pong(ref);
            default -> throw new IllegalArgumentException();
        };
    }

    @org.junit.jupiter.api.Test
    void overlongOutOfRangeAndSurrogateUtf8AndUnpairedSurrogateEscapesAreRefused() {
        byte[] prefix = "{\"type\":\"say\",\"text\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] suffix = "\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int[][] bad = {{0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xC0, 0x9B}, {0xF4, 0x90, 0x80, 0x80}, {0xED, 0xA0, 0x80},
                {0xFF}, {0xE2, 0x82}, {0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80}};
        for (int[] seq : bad) {
            byte[] line = new byte[prefix.length + seq.length + suffix.length];
            System.arraycopy(prefix, 0, line, 0, prefix.length);
            for (int k = 0; k < seq.length; k++) {
                line[prefix.length + k] = (byte) seq[k];
            }
            System.arraycopy(suffix, 0, line, prefix.length + seq.length, suffix.length);
            ProtocolException e = org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                    () -> Codec.decodeRequest(line, 0, line.length), java.util.Arrays.toString(seq));
            org.junit.jupiter.api.Assertions.assertEquals(ErrorCode.MALFORMED, e.code());
        }
        ProtocolException lone = org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                () -> Codec.decodeRequest("{\"type\":\"say\",\"text\":\"a\\ud800b\"}"));
        org.junit.jupiter.api.Assertions.assertEquals(ErrorCode.BAD_FIELD, lone.code());
        for (String fine : new String[] {"caf\u00e9", "\u4e2d\u6587", "\ud83d\ude00 emoji", "\u20ac"}) {
            org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> Codec.decodeRequest(
                    "{\"type\":\"say\",\"text\":\"" + fine + "\"}"));
        }
    }

    @org.junit.jupiter.api.Test
    void theSizeOfAStringOnTheWireIsKnownBeforeEncoding() {
        for (String text : new String[] {"plain", "caf\u00e9 \u4e2d", "\ud83d\ude00", "\u0001\u001b", "\"q\" \\",
                "\u202e\u200b", "x\udb40\udc41y"}) {
            byte[] line = Codec.encode(new Event.Notice(text, null));
            int empty = Codec.encode(new Event.Notice("", null)).length;
            org.junit.jupiter.api.Assertions.assertEquals(line.length - empty + 2, Codec.jsonStringBytes(text), text);
        }
    }
}
