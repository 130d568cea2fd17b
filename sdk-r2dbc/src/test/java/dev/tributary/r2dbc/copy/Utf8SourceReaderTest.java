package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Utf8SourceReaderTest {

    /** Hands out one byte per read, so that every multi-byte character is split. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static String readAll(Reader reader) throws IOException {
        StringWriter out = new StringWriter();
        reader.transferTo(out);
        return out.toString();
    }

    @Test
    void decodesCharactersSplitAcrossReadsAndSkipsTheByteOrderMark() throws IOException {
        byte[] bytes = "\uFEFF日本,한국,😀\n".getBytes(StandardCharsets.UTF_8);

        assertThat(readAll(new Utf8SourceReader(trickle(bytes)))).isEqualTo("日本,한국,😀\n");
    }

    @Test
    void keepsAByteOrderMarkThatIsNotAtTheStart() throws IOException {
        assertThat(readAll(new Utf8SourceReader(new ByteArrayInputStream("a\uFEFF".getBytes(StandardCharsets.UTF_8))))).isEqualTo("a\uFEFF");
    }

    @Test
    void namesTheLineAndOffsetOfInvalidBytes() {
        byte[] bytes = {'a', '\n', 'b', '\n', 'c', (byte) 0xC3, '\n'};

        assertThatThrownBy(() -> readAll(new Utf8SourceReader(new ByteArrayInputStream(bytes))))
                .isInstanceOfSatisfying(MalformedUtf8Exception.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.byteOffset()).isEqualTo(5);
                });
    }

    @Test
    void reportsATruncatedCharacterAtTheEnd() {
        byte[] bytes = {'o', 'k', (byte) 0xE6, (byte) 0x97};

        assertThatThrownBy(() -> readAll(new Utf8SourceReader(new ByteArrayInputStream(bytes))))
                .isInstanceOfSatisfying(MalformedUtf8Exception.class, e -> assertThat(e.byteOffset()).isEqualTo(2));
    }
}
