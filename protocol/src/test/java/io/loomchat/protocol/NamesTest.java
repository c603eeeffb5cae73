package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "Bob", "_x", "a-b_c9", "abcdefghijklmnopqrstuvwx"})
    void acceptsPlainNicks(String nick) {
        assertNull(Names.nickProblem(nick));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "9lives", "-dash", "has space", "tab\t", "esc\u001b", "zoë", "a.b",
            "abcdefghijklmnopqrstuvwxy", "al\u202eice"})
    void refusesOtherNicks(String nick) {
        assertNotNull(Names.nickProblem(nick));
    }

    @Test
    void roomsAreCaseInsensitiveAndMayBeWrittenWithAHash() {
        assertEquals("dev", Names.canonicalRoom("#Dev"));
        assertNull(Names.roomProblem(Names.canonicalRoom("#rust-1.0_x")));
        assertNotNull(Names.roomProblem(Names.canonicalRoom("a b")));
        assertNotNull(Names.roomProblem(Names.canonicalRoom("#")));
    }

    @org.junit.jupiter.api.Test
    void lookAlikeNicksShareASkeletonWhereverTheirPairsStart() {
        for (String[] same : new String[][] {
                {"alice", "aIice", "a1ice", "ALICE", "aiice"}, {"vvv", "vw", "wv", "VVV"}, {"mom", "rnom", "rnorn"},
                {"dan", "clan"}, {"b0b", "bob"}}) {
            for (String nick : same) {
                org.junit.jupiter.api.Assertions.assertEquals(Names.skeleton(same[0]), Names.skeleton(nick), nick);
            }
        }
        org.junit.jupiter.api.Assertions.assertNotEquals(Names.skeleton("bob"), Names.skeleton("rob"));
        org.junit.jupiter.api.Assertions.assertNotEquals(Names.skeleton("ann"), Names.skeleton("anne"));
    }
}
