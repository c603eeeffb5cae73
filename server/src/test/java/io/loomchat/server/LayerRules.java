package io.loomchat.server;

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

/**
 * The architecture rules the server and the terminal client are both held to, over a module's compiled
 * classes (so an edge through a field type, a lambda or a nested class counts): no package cycle, no
 * dependency against the layer order, no package without a layer, no source file over {@link #MAX_LINES}.
 */
public final class LayerRules {

    /** Most lines a source file may have: a class that grows past it does more than one thing. */
    public static final int MAX_LINES = 400;

    private final String base;
    private final List<List<String>> layers;
    private final JavaClasses classes;

    /**
     * The rules for the packages under {@code base}, {@code layers} bottom first (packages in one inner list
     * share a layer and must not use each other; "" is {@code base} itself), over the module's
     * {@code target/classes}.
     */
    public LayerRules(String base, List<List<String>> layers) {
        this.base = base;
        this.layers = layers;
        this.classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("module-info"))
                .importPath(Path.of("target", "classes"));
        // A wrong path would make every rule below pass on nothing.
        for (List<String> layer : layers) {
            for (String pkg : layer) {
                String name = pkg.isEmpty() ? base : base + "." + pkg;
                if (classes.stream().noneMatch(c -> c.getPackageName().equals(name))) {
                    throw new AssertionError("no compiled class in " + name + " (of " + classes.size() + " imported)");
                }
            }
        }
    }

    public void packagesFormNoCycle() {
        slices().assignedFrom(new PackageSlices()).should().beFreeOfCycles().check(classes);
    }

    public void everyPackageUsesOnlyTheLayersBelowIt() {
        List<String> violations = new ArrayList<>();
        for (int layer = 0; layer < layers.size(); layer++) {
            for (String pkg : layers.get(layer)) {
                List<String> forbidden = new ArrayList<>();
                for (int other = layer; other < layers.size(); other++) {
                    for (String above : layers.get(other)) {
                        if (!above.equals(pkg)) {
                            forbidden.add(above.isEmpty() ? base : base + "." + above + "..");
                        }
                    }
                }
                if (forbidden.isEmpty()) {
                    continue;
                }
                violations.addAll(noClasses().that().resideInAPackage(pkg.isEmpty() ? base : base + "." + pkg + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                        .allowEmptyShould(true)
                        .evaluate(classes).getFailureReport().getDetails());
            }
        }
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " dependencies against the layers (bottom first: " + layers
                    + "):\n" + String.join("\n", violations));
        }
    }

    public void everyPackageHasALayer() {
        for (JavaClass c : classes) {
            String pkg = c.getPackageName();
            String rest = pkg.equals(base) ? "" : pkg.substring(base.length() + 1).split("\\.")[0];
            if (layers.stream().noneMatch(l -> l.contains(rest))) {
                throw new AssertionError(c.getName() + " is in package " + pkg + ", which has no layer in " + layers);
            }
        }
    }

    public static void noSourceFileIsOverMaxLines() throws IOException {
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

    /** One slice per top-level package under the base, the base package being one too. */
    private final class PackageSlices implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String pkg = c.getPackageName();
            if (pkg.equals(base)) {
                return SliceIdentifier.of("(root)");
            }
            if (!pkg.startsWith(base + ".")) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(pkg.substring(base.length() + 1).split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "packages under " + base;
        }
    }
}
