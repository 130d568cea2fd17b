package dev.tributary.http.platform;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's real data sets: the directory in the system property {@code tributary.shared.data}
 * (set by sdk-http's failsafe configuration), else {@code ../shared/data} beside the repository.
 * A missing file fails the test; it is never skipped.
 */
final class SharedDataSets {

    private SharedDataSets() {
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
            throw new IllegalStateException("The shared data directory " + dir + " does not exist: set the system property"
                    + " tributary.shared.data to the directory holding geonames-cities.csv, ...");
        }
        return dir;
    }
}
