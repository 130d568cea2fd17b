package dev.tributary.emulator.platform;

import java.nio.file.Path;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes a query's result as a file of one export format (the SDK's own exporter writes CSV
 * and JSON; writers cover the spreadsheet and Parquet formats).
 */
interface ExportWriter {

    /**
     * Writes the rows to {@code target}, replacing it.
     *
     * @param columns the result's columns, in order
     * @param rows    the rows, each an array in column order holding the driver's Java values
     *                ({@code Integer}, {@code Long}, {@code BigDecimal}, {@code String},
     *                {@code Boolean}, {@code LocalDate}, {@code OffsetDateTime}, ...), {@code null}
     *                for SQL NULL; consumed with backpressure
     * @param target  the file to write; writing runs on Reactor's bounded-elastic scheduler
     * @return the number of rows written
     */
    Mono<Long> write(List<ExportColumn> columns, Flux<Object[]> rows, Path target);

    /**
     * One column of an exported result.
     *
     * @param name         the column's name as the query labels it
     * @param postgresType the PostgreSQL type name the driver reports ({@code int4}, {@code text},
     *                     {@code numeric}, {@code timestamptz}, ...)
     */
    record ExportColumn(String name, String postgresType) {
    }
}
