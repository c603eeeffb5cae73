package io.loomchat.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The terminal client's layers, bottom first, as README's design section lists them. A package may use the layers
 * below it and never one above; the adapters (irc, web, cluster, lan) share a layer and never use each
 * other; the root package (ChatServer, ServerCommand) wires everything and nothing uses it. Read from the
 * compiled classes, so an edge through a field type, a lambda or a nested class counts as well.
 */
class ClientLayersTest {

    static final String BASE = "io.loomchat.cli";

    /** Bottom first; packages in one inner list share a layer and must not use each other. */
    /** Bottom first; packages in one inner list share a layer and must not use each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("chat"), // what the client knows of the chat, free of I/O (ChatState)
            List.of("connection", "screen"), // the socket side and the terminal side, apart
            List.of("")); // the root package: the command that wires them

    private static JavaClasses classes;

    @BeforeAll
    static void importCompiled() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("module-info"))
                .importPath(Path.of("target", "classes"));
        // A wrong path would make every rule below pass on nothing.
        for (List<String> layer : LAYERS) {
            for (String pkg : layer) {
                String name = pkg.isEmpty() ? BASE : BASE + "." + pkg;
                if (classes.stream().noneMatch(c -> c.getPackageName().equals(name))) {
                    throw new AssertionError("no compiled class in " + name + " (of " + classes.size() + " imported)");
                }
            }
        }
    }

    @Test
    void packagesFormNoCycle() {
        slices().assignedFrom(new PackageSlices()).should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        List<String> violations = new ArrayList<>();
        for (int layer = 0; layer < LAYERS.size(); layer++) {
            for (String pkg : LAYERS.get(layer)) {
                List<String> forbidden = new ArrayList<>();
                for (int other = layer; other < LAYERS.size(); other++) {
                    for (String above : LAYERS.get(other)) {
                        if (!above.equals(pkg)) {
                            forbidden.add(above.isEmpty() ? BASE : BASE + "." + above + "..");
                        }
                    }
                }
                if (forbidden.isEmpty()) {
                    continue;
                }
                violations.addAll(noClasses().that().resideInAPackage(pkg.isEmpty() ? BASE : BASE + "." + pkg + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                        .allowEmptyShould(true)
                        .evaluate(classes).getFailureReport().getDetails());
            }
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " dependencies against the layers (bottom first: " + LAYERS
                    + "):\n" + String.join("\n", violations));
        }
    }

    @Test
    void everyServerPackageHasALayer() {
        for (JavaClass c : classes) {
            String pkg = c.getPackageName();
            String rest = pkg.equals(BASE) ? "" : pkg.substring(BASE.length() + 1).split("\\.")[0];
            boolean known = LAYERS.stream().anyMatch(l -> l.contains(rest));
            if (!known) {
                throw new AssertionError(c.getName() + " is in package " + pkg + ", which has no layer in " + LAYERS);
            }
        }
    }

    /** Most lines a source file may have: a class that grows past it does more than one thing. */
    static final int MAX_LINES = 400;

    @Test
    void noClassIsOverMaxLines() throws IOException {
        List<String> over = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines = Files.readAllLines(file).size();
                if (lines > MAX_LINES) {
                    over.add(file + ": " + lines);
                }
            }
        }
        if (!over.isEmpty()) {
            throw new AssertionError("over " + MAX_LINES + " lines (split by responsibility):\n" + String.join("\n", over));
        }
    }

    /** One slice per top-level package under io.loomchat.cli, the root package being one too. */
    private static final class PackageSlices implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String pkg = c.getPackageName();
            if (pkg.equals(BASE)) {
                return SliceIdentifier.of("(root)");
            }
            if (!pkg.startsWith(BASE + ".")) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(pkg.substring(BASE.length() + 1).split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "client packages";
        }
    }
}
