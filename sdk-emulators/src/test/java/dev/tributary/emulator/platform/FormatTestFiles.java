package dev.tributary.emulator.platform;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.sql.load.LoadException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the file format tests share: the real data sets, CSV output read back as records, errors
 * caught, open file descriptors counted.
 */
final class FormatTestFiles {

    static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final CsvFactory CSV = CsvFactory.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
            .build();

    private FormatTestFiles() {
    }

    /**
     * @param name a file of the real data sets ({@code ../shared/data} beside the repository, or the
     *             directory in the system property {@code tributary.shared.data}); missing data fails
     * @return its path
     */
    static Path sharedData(String name) {
        String configured = System.getProperty("tributary.shared.data");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../../shared/data").normalize();
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The data set " + file + " is missing: set the system property tributary.shared.data "
                    + "to the directory holding geonames-cities.csv, world-countries.csv, ...");
        }
        return file;
    }

    /** @return the chunks joined and decoded as UTF-8 */
    static String text(Flux<ByteBuffer> chunks) {
        return chunks.reduce(new ByteArrayOutputStream(), (out, chunk) -> {
                    byte[] bytes = new byte[chunk.remaining()];
                    chunk.get(bytes);
                    out.writeBytes(bytes);
                    return out;
                })
                .map(out -> out.toString(StandardCharsets.UTF_8))
                .defaultIfEmpty("")
                .block(TIMEOUT);
    }

    /**
     * @param csv RFC 4180 CSV
     * @return its records, an unquoted empty field as {@code null} and {@code ""} as an empty string,
     *         as the SDK's loader reads them
     */
    static List<List<String>> records(String csv) {
        List<List<String>> records = new ArrayList<>();
        try (CsvParser parser = CSV.createParser(csv)) {
            parser.setSchema(CsvSchema.emptySchema());
            List<String> record = null;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_ARRAY && parser.getParsingContext().getParent().inArray()) {
                    record = new ArrayList<>();
                } else if (token == JsonToken.END_ARRAY && record != null) {
                    records.add(record);
                    record = null;
                } else if (record != null) {
                    record.add(token == JsonToken.VALUE_NULL ? null : parser.getText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    /** @return a record of the given fields ({@code null} for absent ones) */
    static List<String> record(String... fields) {
        return Arrays.asList(fields);
    }

    /**
     * @param publisher something that should fail
     * @return its error, which must be a {@link LoadException}
     */
    static LoadException loadFailure(Flux<?> publisher) {
        Throwable error = publisher.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(TIMEOUT);
        assertThat(error).as("the error").isInstanceOf(LoadException.class);
        return (LoadException) error;
    }

    /**
     * @param file a file
     * @return how many of this process's file descriptors are open on it (Linux {@code /proc})
     */
    static long openDescriptors(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return 0;
        }
        long count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    /**
     * Waits (up to 5 s) until no descriptor is open on the file: resources are released
     * asynchronously after a cancel.
     *
     * @return the descriptors still open at the end
     */
    static long awaitClosed(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long open = openDescriptors(file);
        while (open > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            open = openDescriptors(file);
        }
        return open;
    }

    /**
     * @param dir a directory
     * @return the names of the files in it
     */
    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Waits (up to 5 s) until the directory holds exactly the expected files: a cancelled export
     * deletes its temporary file asynchronously.
     */
    static List<String> awaitFiles(Path dir, List<String> expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> names = fileNames(dir);
        while (!names.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            names = fileNames(dir);
        }
        return names;
    }
}
