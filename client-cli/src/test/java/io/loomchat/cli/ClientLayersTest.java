package io.loomchat.cli;

import io.loomchat.server.LayerRules;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The terminal client's layers, bottom first, as docs/DESIGN.md lists them: chat state below, the
 * connection and the screen beside each other above it, the command on top.
 */
class ClientLayersTest {

    /** Bottom first; packages in one inner list share a layer and must not use each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("chat"), // what the client knows of the chat, free of I/O (ChatState)
            List.of("connection", "screen"), // the socket side and the terminal side, apart
            List.of("")); // the root package: the command that wires them

    private static LayerRules rules;

    @BeforeAll
    static void importCompiled() {
        rules = new LayerRules("io.loomchat.cli", LAYERS);
    }

    @Test
    void packagesFormNoCycle() {
        rules.packagesFormNoCycle();
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        rules.everyPackageUsesOnlyTheLayersBelowIt();
    }

    @Test
    void everyPackageHasALayer() {
        rules.everyPackageHasALayer();
    }

    @Test
    void noClassIsOverMaxLines() throws IOException {
        LayerRules.noSourceFileIsOverMaxLines();
    }
}
