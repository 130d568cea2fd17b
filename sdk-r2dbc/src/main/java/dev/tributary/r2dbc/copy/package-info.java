/**
 * Bulk load and export for PostgreSQL: {@link dev.tributary.r2dbc.copy.PostgresCopy}.
 * <p>
 * Loading parses CSV and JSON sources with Jackson's streaming parsers (on Reactor's
 * bounded-elastic scheduler), infers or looks up column types, checks every value, and streams
 * the rows as CSV through r2dbc-postgresql's {@code copyIn} in 64 KiB {@code CopyData} messages,
 * in one transaction (or a savepoint of the caller's). Exporting reads a table or query with a
 * fetch size and encodes rows as CSV, JSON or NDJSON chunks as they are requested.
 * <p>
 * Everything but the entry point is package-private: readers ({@code CsvRecordReader},
 * {@code JsonRecordReader}), inference ({@code ColumnProfile}, {@code HeaderDetection}), the plan
 * ({@code LoadPlan}), the {@code COPY} data ({@code CopyRowWriter}, {@code CopyFrames}) and the
 * export encoding ({@code ExportEncoder}).
 */
package dev.tributary.r2dbc.copy;
