package io.loomchat.server;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's layers, bottom first, as README's design section lists them. A package may use the layers
 * below it and never one above; the adapters (irc, web, cluster, lan) share a layer and never use each
 * other; the root package (ChatServer, ServerCommand) wires everything and nothing uses it.
 */
class LayersTest {

    /** Bottom first; packages in one inner list share a layer and must not use each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("config"),
            List.of("ops"),
            List.of("guard"),
            List.of("account"),
            List.of("history"),
            List.of("delivery"),
            List.of("chat"),
            List.of("connection"),
            List.of("irc", "web", "cluster", "lan"),
            List.of("")); // the root package: the composition root

    private static LayerRules rules;

    @BeforeAll
    static void importCompiled() {
        rules = new LayerRules("io.loomchat.server", LAYERS);
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
