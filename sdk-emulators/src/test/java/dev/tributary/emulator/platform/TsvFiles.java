package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.sql.load.LoadException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Tab-separated values, a format of the tests' own, to drive the emulator's converter and writer
 * registry the way the spreadsheet, SQLite and Parquet formats plug in.
 */
final class TsvFiles {

    private TsvFiles() {
    }

    /** Reads TSV (header first, no quoting) as CSV; a row with the wrong number of fields is a {@link LoadException}. */
    static final class Converter implements ImportConverter {

        @Override
        public Flux<ByteBuffer> toCsv(Path file) {
            return Mono.fromCallable(() -> ByteBuffer.wrap(convert(file))).subscribeOn(Schedulers.boundedElastic()).flux();
        }

        private static byte[] convert(Path file) throws IOException {
            CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
            List<List<String>> rows = new ArrayList<>();
            try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class)
                    .with(CsvSchema.emptySchema().withColumnSeparator('\t').withoutQuoteChar())
                    .readValues(file.toFile())) {
                it.forEachRemaining(rows::add);
            }
            int columns = rows.isEmpty() ? 0 : rows.get(0).size();
            for (int i = 1; i < rows.size(); i++) {
                if (rows.get(i).size() != columns) {
                    throw new LoadException("Expected " + columns + " fields, found " + rows.get(i).size(), file.getFileName().toString(),
                            i + 1, i, null, null);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mapper.writer(CsvSchema.emptySchema()).writeValue(out, rows);
            return out.toByteArray();
        }
    }

    /** Writes a header of {@code name:type} fields, then the rows, NULL as {@code \N}. */
    static final class Writer implements ExportWriter {

        @Override
        public Mono<Long> write(List<ExportColumn> columns, Flux<Object[]> rows, Path target) {
            return Mono.using(() -> Files.newBufferedWriter(target, StandardCharsets.UTF_8),
                            out -> {
                                line(out, columns.stream().map(c -> c.name() + ":" + c.postgresType()).collect(Collectors.joining("\t")));
                                return rows.publishOn(Schedulers.boundedElastic())
                                        .doOnNext(row -> {
                                            List<String> fields = new ArrayList<>();
                                            for (Object v : row) {
                                                fields.add(v == null ? "\\N" : v.toString());
                                            }
                                            line(out, String.join("\t", fields));
                                        })
                                        .count();
                            },
                            out -> {
                                try {
                                    out.close();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                    .subscribeOn(Schedulers.boundedElastic());
        }

        private static void line(BufferedWriter out, String line) {
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
