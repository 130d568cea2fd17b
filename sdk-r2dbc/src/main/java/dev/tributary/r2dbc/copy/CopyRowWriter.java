package dev.tributary.r2dbc.copy;

import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tributary.sql.load.LoadException;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Turns source records into {@code COPY ... (FORMAT csv)} data, a chunk of about
 * {@value #CHUNK_SIZE} bytes at a time: each value is checked against its column and written with
 * Jackson's {@link CsvGenerator} (every string quoted, so an empty string and the end-of-data
 * marker {@code \.} cannot be mistaken; NULL as an empty unquoted field). Blocking (it reads the
 * source): call {@link #nextChunk()} on a bounded-elastic thread, one call at a time.
 */
final class CopyRowWriter {

    /** Bytes per chunk ({@code CopyData} message). */
    static final int CHUNK_SIZE = 64 * 1024;

    private static final CsvFactory FACTORY = CsvFactory.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .build();

    private final RecordStream records;
    private final TargetColumn[] targets;
    private final String source;
    private final ChunkOutputStream out = new ChunkOutputStream();
    private final CsvGenerator generator;
    private boolean exhausted;
    private boolean closed;

    /**
     * @param records the records
     * @param targets the column each source column is written to, by source index
     * @param source  how errors name the source
     * @throws IOException if the generator cannot be created
     */
    CopyRowWriter(RecordStream records, List<TargetColumn> targets, String source) throws IOException {
        this.records = records;
        this.targets = targets.toArray(new TargetColumn[0]);
        this.source = source;
        this.generator = FACTORY.createGenerator(this.out);
        this.generator.setSchema(CsvSchema.emptySchema());
        // rows are arrays inside one wrapping array: that is how the generator writes NULL fields
        this.generator.writeStartArray();
    }

    /**
     * Writes records until a chunk is full or the source ends.
     *
     * @return the chunk (the caller owns it), or {@code null} when the source ended with nothing
     *         left to send
     * @throws LoadException         if a record is malformed or a value does not fit its column
     * @throws IOException           if reading the source fails
     * @throws CancellationException if the writer was closed
     */
    synchronized CopyChunk nextChunk() throws LoadException, IOException {
        if (this.closed) {
            throw new CancellationException("The load was cancelled");
        }
        while (this.out.size() < CHUNK_SIZE) {
            SourceRecord record = this.records.next();
            if (record == null) {
                this.exhausted = true;
                this.generator.flush();
                return this.out.take();
            }
            write(record);
        }
        return this.out.take();
    }

    /** @return whether the source has ended (the last chunk was returned) */
    synchronized boolean exhausted() {
        return this.exhausted;
    }

    private void write(SourceRecord record) throws LoadException, IOException {
        this.generator.writeStartArray();
        for (int i = 0; i < this.targets.length; i++) {
            TargetColumn target = this.targets[i];
            String misfit = target.write(this.generator, record.kind(i), record.value(i));
            if (misfit != null) {
                throw new LoadException(misfit + target.typeNote(), this.source, record.line(), this.records.dataRecord(record),
                        target.name(), null);
            }
        }
        this.generator.writeEndArray();
    }

    /**
     * Releases the chunk being filled; later calls to {@link #nextChunk()} fail. Waits for a call in
     * progress (so call it on a bounded-elastic thread, after closing the source under it).
     */
    synchronized void close() {
        this.closed = true;
        this.out.release();
    }

    /** Collects the generator's bytes in a chunk that is handed out whole. */
    private static final class ChunkOutputStream extends OutputStream {

        private CopyChunk buffer;

        @Override
        public void write(int b) {
            buffer().writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer().writeBytes(b, off, len);
        }

        private ByteBuf buffer() {
            if (this.buffer == null) {
                this.buffer = new CopyChunk(CHUNK_SIZE + CHUNK_SIZE / 4);
            }
            return this.buffer;
        }

        int size() {
            return this.buffer == null ? 0 : this.buffer.readableBytes();
        }

        CopyChunk take() {
            CopyChunk taken = this.buffer;
            this.buffer = null;
            if (taken != null && !taken.isReadable()) {
                taken.release();
                return null;
            }
            return taken;
        }

        void release() {
            if (this.buffer != null) {
                this.buffer.release();
                this.buffer = null;
            }
        }
    }
}
