package dev.tributary.emulator.platform;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's real data sets ({@code ../shared/data} beside the repository, or the directory in
 * the system property {@code tributary.shared.data}, which the module's failsafe configuration
 * sets). Missing data fails the test: it is never skipped.
 */
final class SharedData {

    private SharedData() {
    }

    static Path file(String name) {
        Path file = directory().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The data set " + file + " is missing from the shared data directory");
        }
        return file;
    }

    static Path directory() {
        String configured = System.getProperty("tributary.shared.data");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../../shared/data").normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("The shared data directory " + dir + " does not exist: set the system property "
                    + "tributary.shared.data to the directory holding ourairports-airports.json, geonames-cities.csv, ...");
        }
        return dir;
    }
}
