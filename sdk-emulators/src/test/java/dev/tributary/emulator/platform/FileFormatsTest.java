package dev.tributary.emulator.platform;

import dev.tributary.sql.load.DataFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileFormatsTest {

    private Path dir;

    @BeforeEach
    void createDirectory() throws IOException {
        this.dir = Files.createTempDirectory("file-formats-test-");
    }

    @AfterEach
    void deleteDirectory() {
        WorkFiles.deleteNow(this.dir);
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(this.dir.resolve(name), content);
    }

    private Path file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tellsTheFormatFromAKnownExtensionFirst() throws IOException {
        FileFormats formats = FileFormats.builtIn();
        assertThat(formats.detect(file("a.csv", "[1]"), "a.CSV")).isEqualTo("csv");
        assertThat(formats.detect(file("b", "x,y"), "b.json")).isEqualTo("json");
        assertThat(formats.detect(file("c", "{}"), "c.jsonl")).isEqualTo("ndjson");
        assertThat(formats.detect(file("d", "x"), "d.xlsx")).isEqualTo("xlsx");
        assertThat(formats.detect(file("e", "x"), "e.db")).isEqualTo("sqlite");
        assertThat(formats.detect(file("f", "x"), "f.sqlite3")).isEqualTo("sqlite");
        assertThat(formats.detect(file("g", "x"), "g.parquet")).isEqualTo("parquet");
    }

    @Test
    void tellsTheFormatFromTheFirstBytesWhenTheNameSaysNothing() throws IOException {
        FileFormats formats = FileFormats.builtIn();
        assertThat(formats.detect(file("p", "PAR1....PAR1"), "table")).isEqualTo("parquet");
        assertThat(formats.detect(file("s", "SQLite format 3\0rest"), null)).isEqualTo("sqlite");
        assertThat(formats.detect(file("x", new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A,
                (byte) 0xE1, 0}), "sheet")).isEqualTo("xls");
        assertThat(formats.detect(file("z", new byte[] {'P', 'K', 3, 4, 0}), "book")).isEqualTo("xlsx");
        assertThat(formats.detect(file("gz", new byte[] {0x1F, (byte) 0x8B, 8}), "data")).isEqualTo("gz");
        assertThat(formats.detect(file("j", "\uFEFF  \n [{\"a\": 1}]"), "airports")).isEqualTo("json");
        assertThat(formats.detect(file("n", "{\"a\": 1}\n{\"a\": 2}\n"), "airports")).isEqualTo("json");
        assertThat(formats.detect(file("c", "name,lat\nVila,42.5\n"), "cities")).isEqualTo("csv");
        assertThat(formats.detect(file("t", "a\tb\n"), "data.tsv")).as("an unknown extension of a text file").isEqualTo("tsv");
    }

    @Test
    void registeredExtensionsCountAsKnownAndNativeFormatsCannotBeReplaced() throws IOException {
        ImportConverter converter = file -> Flux.empty();
        FileFormats formats = FileFormats.builtIn().withImportConverter("TSV", converter);
        assertThat(formats.importConverter("tsv")).isSameAs(converter);
        assertThat(formats.detect(file("t", "[not json]"), "x.tsv")).isEqualTo("tsv");
        assertThat(FileFormats.builtIn().withImportConverter(".db", converter).importConverter("sqlite")).isSameAs(converter);
        assertThatThrownBy(() -> FileFormats.builtIn().withImportConverter("csv", converter)).isInstanceOf(IllegalArgumentException.class);

        ExportWriter writer = (columns, rows, target) -> Mono.just(0L);
        FileFormats.ExportTarget target = FileFormats.builtIn()
                .withExportWriter("XLS", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", writer)
                .exportWriter("xls");
        assertThat(target.writer()).isSameAs(writer);
        assertThat(target.extension()).isEqualTo("xlsx");
        assertThat(FileFormats.nativeOnly().exportWriter("parquet")).isNull();
        assertThatThrownBy(() -> FileFormats.builtIn().withExportWriter("json", "json", "application/json", writer))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theShippedRegistryWiresEverySpreadsheetSqliteAndParquetFormat() {
        FileFormats formats = FileFormats.builtIn();
        assertThat(formats.importConverter("xlsx")).isInstanceOf(SpreadsheetFiles.class);
        assertThat(formats.importConverter("xls")).isInstanceOf(SpreadsheetFiles.class);
        assertThat(formats.importConverter("sqlite")).isInstanceOf(SqliteFiles.class);
        assertThat(formats.importConverter("parquet")).isInstanceOf(ParquetFiles.class);
        assertThat(formats.exportWriter("xls").writer()).isInstanceOf(SpreadsheetFiles.class);
        assertThat(formats.exportWriter("xls").extension()).isEqualTo("xlsx");
        assertThat(formats.exportWriter("parquet").writer()).isInstanceOf(ParquetFiles.class);
        assertThat(FileFormats.nativeOnly().importConverter("xlsx")).isNull();
    }

    @Test
    void csvAndJsonAreLoadedNatively() {
        assertThat(FileFormats.nativeFormat("csv")).isEqualTo(DataFormat.CSV);
        assertThat(FileFormats.nativeFormat("json")).isEqualTo(DataFormat.JSON);
        assertThat(FileFormats.nativeFormat("ndjson")).isEqualTo(DataFormat.NDJSON);
        assertThat(FileFormats.nativeFormat("xlsx")).isNull();
    }
}
