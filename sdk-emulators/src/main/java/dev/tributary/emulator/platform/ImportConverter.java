package dev.tributary.emulator.platform;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import reactor.core.publisher.Flux;

/**
 * Reads an import file of a format the SDK's bulk loader does not read itself (XLS/XLSX,
 * SQLite, Parquet) as CSV, so the emulator loads every format through the same COPY path.
 */
interface ImportConverter {

    /**
     * Converts the file's first sheet or table.
     *
     * @param file the uploaded or fetched file, read on Reactor's bounded-elastic scheduler
     * @return RFC 4180 CSV bytes (UTF-8), the column names as the first record; signals
     *         {@link dev.tributary.sql.load.LoadException} naming the row and column of a value
     *         it cannot read, and the file when it is not of this format
     */
    Flux<ByteBuffer> toCsv(Path file);
}
