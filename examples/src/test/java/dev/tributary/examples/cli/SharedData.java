package dev.tributary.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's real data sets: the directory in the system property {@code tributary.shared.data}
 * (the module's failsafe configuration sets it to {@code ../shared/data} beside the repository).
 * Missing data fails the test; it is never skipped.
 */
final class SharedData {

    private SharedData() {
    }

    static Path file(String name) {
        String configured = System.getProperty("tributary.shared.data");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../../shared/data").normalize();
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The data set " + file + " is missing: set the system property"
                    + " tributary.shared.data to the directory that holds it");
        }
        return file;
    }
}
