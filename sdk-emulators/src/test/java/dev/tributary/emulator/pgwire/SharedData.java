package dev.tributary.emulator.pgwire;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data sets of the project ({@code ../shared/data} beside the repository, or the directory
 * in the system property {@code tributary.shared.data}, which this module's failsafe configuration
 * sets). Missing data fails the test: it is never skipped.
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
            throw new IllegalStateException("The data set " + file + " is missing: set the system property tributary.shared.data "
                    + "to the directory holding geonames-cities.csv, ...");
        }
        return file;
    }
}
