package dev.tributary.r2dbc.copy;

import java.io.IOException;

/**
 * Reads a source's records one at a time (blocking: call it on a bounded-elastic thread).
 */
interface RecordReader {

    /**
     * @return the next record, or {@code null} at the end of the source
     * @throws SourceFormatException if the input is malformed
     * @throws IOException           if reading fails
     */
    SourceRecord next() throws SourceFormatException, IOException;
}
