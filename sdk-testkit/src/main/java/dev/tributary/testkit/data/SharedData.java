package dev.tributary.testkit.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's real data sets: {@code ../shared/data} beside the repository, or the directory in
 * the system property {@code tributary.shared.data} (the modules' failsafe configuration sets it).
 * Missing data fails the test with an {@link IllegalStateException} naming the path: it is never
 * skipped.
 */
public final class SharedData {

    private SharedData() {
    }

    /**
     * @param name a file of the data directory, for example {@code geonames-cities.csv}
     * @return its path
     * @throws IllegalStateException if the directory or the file is missing
     */
    public static Path file(String name) {
        Path file = directory().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The data set " + file + " is missing from the shared data directory");
        }
        return file;
    }

    /**
     * @return the data directory
     * @throws IllegalStateException if it does not exist
     */
    public static Path directory() {
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
