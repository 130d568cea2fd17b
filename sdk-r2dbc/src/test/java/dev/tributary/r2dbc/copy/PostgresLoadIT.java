package dev.tributary.r2dbc.copy;

import dev.tributary.testkit.data.SharedData;

import dev.tributary.sql.load.ColumnType;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadException;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadResult;
import dev.tributary.sql.load.LoadSource;
import dev.tributary.sql.load.LoadedColumn;
import dev.tributary.testkit.netty.NettyLeakCheck;
import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Loads real data sets and hand-made edge cases into a real PostgreSQL through {@link PostgresCopy#load}.
 */
class PostgresLoadIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static EmbeddedPostgresServer pg;
    private static PostgresqlConnectionFactory factory;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void startServer() {
        pg = EmbeddedPostgresServer.builder().start();
        factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(pg.host()).port(pg.port()).username("postgres").database("postgres")
                .options(Map.of("TimeZone", "UTC"))
                .build());
        jdbc = new JdbcTemplate(pg.superuserDataSource());
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (pg != null) {
            pg.close();
        }
        // NettyLeakCheck (auto-registered) also checks after every class; this names the leak here
        assertThat(NettyLeakCheck.collectLeaks()).isEmpty();
    }

    private static LoadResult load(LoadRequest request) {
        return Mono.usingWhen(factory.create(), c -> PostgresCopy.load(c, request), Connection::close).block(TIMEOUT);
    }

    private static LoadException loadFailure(LoadRequest request) {
        Throwable error = Mono.usingWhen(factory.create(), c -> PostgresCopy.load(c, request), Connection::close)
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .block(TIMEOUT);
        assertThat(error).as("the load's error").isInstanceOf(LoadException.class);
        return (LoadException) error;
    }

    private static LoadSource text(String description, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return LoadSource.of(description, () -> new ByteArrayInputStream(bytes));
    }

    private static boolean tableExists(String name) {
        return jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, name);
    }

    private static long count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }

    // ---- real data sets -------------------------------------------------------------------

    @Test
    void loadsAirportsWithInferredTypesAndExactValues() {
        LoadResult result = load(LoadRequest.into("airports").source(LoadSource.of(SharedData.file("ourairports-airports.json"))).build());

        assertThat(result.rows()).isEqualTo(5_210);
        assertThat(result.table()).isEqualTo("public.airports");
        assertThat(result.tableCreated()).isTrue();
        assertThat(result.columns()).hasSize(18)
                .contains(new LoadedColumn("id", "bigint"), new LoadedColumn("ident", "text"),
                        new LoadedColumn("latitude_deg", "double precision"), new LoadedColumn("elevation_ft", "bigint"),
                        new LoadedColumn("scheduled_service", "text"));
        assertThat(count("airports")).isEqualTo(5_210);
        Map<String, Object> highest = jdbc.queryForMap(
                "SELECT ident, name, elevation_ft, iso_country FROM airports ORDER BY elevation_ft DESC NULLS LAST LIMIT 1");
        assertThat(highest).containsEntry("ident", "ZUDC").containsEntry("name", "Daocheng Yading Airport")
                .containsEntry("elevation_ft", 14_472L).containsEntry("iso_country", "CN");
        Map<String, Object> lowest = jdbc.queryForMap("SELECT ident, elevation_ft FROM airports ORDER BY elevation_ft LIMIT 1");
        assertThat(lowest).containsEntry("ident", "LLMZ").containsEntry("elevation_ft", -1_266L);
        // "" in a bigint column is NULL; "" in a text column stays an empty string
        assertThat(count("airports WHERE elevation_ft IS NULL")).isEqualTo(176);
        assertThat(jdbc.queryForObject("SELECT latitude_deg FROM airports WHERE ident = '5A8'", Double.class)).isEqualTo(59.2826004028);
        assertThat(jdbc.queryForObject("SELECT home_link FROM airports WHERE ident = '5A8'", String.class)).isEmpty();
    }

    @Test
    void loadsOurAirportsCountriesAndRegions() {
        LoadResult countries = load(LoadRequest.into("oa_countries").source(LoadSource.of(SharedData.file("ourairports-countries.json"))).build());
        LoadResult regions = load(LoadRequest.into("oa_regions").source(LoadSource.of(SharedData.file("ourairports-regions.json"))).build());

        assertThat(countries.rows()).isEqualTo(248);
        assertThat(count("oa_countries")).isEqualTo(248);
        assertThat(jdbc.queryForObject("SELECT name FROM oa_countries WHERE code = 'NO'", String.class)).isEqualTo("Norway");
        assertThat(jdbc.queryForObject("SELECT keywords FROM oa_countries WHERE code = 'AE'", String.class))
                .isEqualTo("UAE,مطارات في الإمارات العربية المتحدة");
        assertThat(regions.rows()).isEqualTo(3_901);
        assertThat(count("oa_regions")).isEqualTo(3_901);
        assertThat(regions.columns()).contains(new LoadedColumn("id", "bigint"), new LoadedColumn("local_code", "text"));
        assertThat(jdbc.queryForObject("SELECT name FROM oa_regions WHERE code = 'AD-02'", String.class)).isEqualTo("Canillo Parish");
    }

    @Test
    void loadsWorldCountriesCsvWithDottedColumnNamesAndJapaneseNames() {
        LoadResult result = load(LoadRequest.into("world_countries").source(LoadSource.of(SharedData.file("world-countries.csv"))).build());

        assertThat(result.rows()).isEqualTo(250);
        assertThat(result.columns()).hasSize(74)
                .contains(new LoadedColumn("name.common", "text"), new LoadedColumn("translations.jpn.common", "text"),
                        new LoadedColumn("ccn3", "text"), new LoadedColumn("independent", "bigint"));
        assertThat(count("world_countries")).isEqualTo(250);
        Map<String, Object> japan = jdbc.queryForMap(
                "SELECT \"translations.jpn.common\", \"translations.jpn.official\", capital FROM world_countries WHERE cca2 = 'JP'");
        assertThat(japan).containsEntry("translations.jpn.common", "日本").containsEntry("translations.jpn.official", "日本国")
                .containsEntry("capital", "Tokyo");
        // codes with leading zeros stay text: Afghanistan's ISO numeric code is 004
        assertThat(jdbc.queryForObject("SELECT ccn3 FROM world_countries WHERE cca2 = 'AF'", String.class)).isEqualTo("004");
        assertThat(jdbc.queryForObject("SELECT \"name.common\" FROM world_countries WHERE cca3 = 'CHN'", String.class)).isEqualTo("China");
    }

    @Test
    void loadsTheGeonamesCitiesFromCsvAndJsonAlike() {
        LoadResult csv = load(LoadRequest.into("cities_csv").source(LoadSource.of(SharedData.file("geonames-cities.csv"))).build());
        LoadResult json = load(LoadRequest.into("cities_json").source(LoadSource.of(SharedData.file("geonames-cities.json"))).build());
        System.out.printf("geonames-cities: CSV loaded %d rows in %d ms, JSON %d rows in %d ms%n",
                csv.rows(), csv.elapsed().toMillis(), json.rows(), json.elapsed().toMillis());

        assertThat(csv.rows()).isEqualTo(171_075);
        assertThat(json.rows()).isEqualTo(171_075);
        assertThat(count("cities_csv")).isEqualTo(171_075);
        assertThat(count("cities_json")).isEqualTo(171_075);
        assertThat(csv.columns()).containsExactly(new LoadedColumn("name", "text"), new LoadedColumn("lat", "double precision"),
                new LoadedColumn("lng", "double precision"), new LoadedColumn("country", "text"), new LoadedColumn("admin1", "text"),
                new LoadedColumn("admin2", "text"));
        assertThat(json.columns()).isEqualTo(csv.columns());
        Map<String, Object> santJulia = jdbc.queryForMap("SELECT lat, lng, country, admin1 FROM cities_csv WHERE name = 'Sant Julià de Lòria'");
        assertThat(santJulia).containsEntry("lat", 42.46372).containsEntry("lng", 1.49129).containsEntry("country", "AD")
                .containsEntry("admin1", "06");
        assertThat(count("cities_csv WHERE country = 'US'")).isEqualTo(17_343);
        // the same rows, except that the JSON's "" is an empty string where the CSV's unquoted empty field is NULL
        assertThat(count("cities_csv WHERE admin2 IS NULL")).isEqualTo(count("cities_json WHERE admin2 = ''")).isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM (SELECT name, lat, lng, country, coalesce(admin1, ''), coalesce(admin2, '')"
                + " FROM cities_csv EXCEPT ALL SELECT name, lat, lng, country, admin1, admin2 FROM cities_json) d", Long.class)).isZero();
    }

    // ---- sources ---------------------------------------------------------------------------

    @Test
    void loadsFromAPublisherWhoseChunksSplitMultiByteCharacters() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedData.file("world-countries.csv"));
        List<ByteBuffer> chunks = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 7) {
            chunks.add(ByteBuffer.wrap(bytes, i, Math.min(7, bytes.length - i)).slice());
        }
        LoadResult result = load(LoadRequest.into("countries_from_publisher")
                .source(LoadSource.of("world-countries.csv (publisher)", Flux.fromIterable(chunks).publishOn(Schedulers.parallel())))
                .format(DataFormat.CSV)
                .build());

        assertThat(result.rows()).isEqualTo(250);
        assertThat(jdbc.queryForObject("SELECT \"translations.jpn.common\" FROM countries_from_publisher WHERE cca2 = 'JP'", String.class))
                .isEqualTo("日本");
        assertThat(jdbc.queryForObject("SELECT \"translations.kor.common\" FROM countries_from_publisher WHERE cca2 = 'KR'", String.class))
                .isEqualTo("한국");
    }

    @Test
    void loadsFromAnInputStream() {
        LoadResult result = load(LoadRequest.into("regions_from_stream")
                .source(LoadSource.of("regions stream", () -> {
                    try {
                        return Files.newInputStream(SharedData.file("ourairports-regions.json"));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }))
                .format(DataFormat.JSON)
                .build());

        assertThat(result.rows()).isEqualTo(3_901);
        assertThat(count("regions_from_stream")).isEqualTo(3_901);
    }

    @Test
    void skipsAByteOrderMark() {
        load(LoadRequest.into("bom_csv").source(text("bom.csv", "\uFEFFcode,n\nx,1\ny,2\n")).format(DataFormat.CSV).build());
        load(LoadRequest.into("bom_json").source(text("bom.json", "\uFEFF[{\"code\":\"x\"}]")).format(DataFormat.JSON).build());

        assertThat(jdbc.queryForList("SELECT code FROM bom_csv ORDER BY n", String.class)).containsExactly("x", "y");
        assertThat(jdbc.queryForList("SELECT code FROM bom_json", String.class)).containsExactly("x");
    }

    @Test
    void keepsEmbeddedNewlinesQuotesAndEmptyStrings() {
        String csv = "id,note,remark\r\n"
                + "1,\"two\r\nlines\",\"say \"\"hi\"\"\"\r\n"
                + "2,\"\",\r\n"
                + "3,\"a,b\",plain\r\n";
        LoadResult result = load(LoadRequest.into("quoting").source(text("quoting.csv", csv)).format(DataFormat.CSV).build());

        assertThat(result.rows()).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT note FROM quoting WHERE id = 1", String.class)).isEqualTo("two\r\nlines");
        assertThat(jdbc.queryForObject("SELECT remark FROM quoting WHERE id = 1", String.class)).isEqualTo("say \"hi\"");
        assertThat(jdbc.queryForObject("SELECT note = '' FROM quoting WHERE id = 2", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT remark IS NULL FROM quoting WHERE id = 2", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT note FROM quoting WHERE id = 3", String.class)).isEqualTo("a,b");
    }

    // ---- headers ----------------------------------------------------------------------------

    @Test
    void detectsAHeaderWhoseNamesDoNotFitTheColumnTypes() {
        LoadResult result = load(LoadRequest.into("auto_header").source(text("h.csv", "id,price,when\n1,2.5,2024-05-31\n2,3,2024-06-01\n"))
                .format(DataFormat.CSV).build());

        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.columns()).containsExactly(new LoadedColumn("id", "bigint"), new LoadedColumn("price", "double precision"),
                new LoadedColumn("when", "date"));
    }

    @Test
    void takesAFirstRowThatFitsTheTypesBelowAsData() {
        LoadResult result = load(LoadRequest.into("auto_no_header").source(text("n.csv", "1,true,2024-05-31T10:00:00Z\n2,false,2024-06-01 11:30\n"))
                .format(DataFormat.CSV).build());

        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.columns()).containsExactly(new LoadedColumn("column_1", "bigint"), new LoadedColumn("column_2", "boolean"),
                new LoadedColumn("column_3", "timestamptz"));
        assertThat(jdbc.queryForObject("SELECT extract(epoch FROM column_3)::bigint FROM auto_no_header WHERE column_1 = 2", Long.class))
                .isEqualTo(1_717_241_400L); // 2024-06-01T11:30:00Z: no offset means UTC
    }

    @Test
    void takesDistinctTextFirstRowAsHeaderWhenEveryColumnIsText() {
        LoadResult result = load(LoadRequest.into("auto_text").source(text("t.csv", "name,city\nAda,London\nGrace,New York\n"))
                .format(DataFormat.CSV).build());

        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.columns()).extracting(LoadedColumn::name).containsExactly("name", "city");
    }

    @Test
    void honoursFirstRowAndNoHeaderModes() {
        LoadResult firstRow = load(LoadRequest.into("first_row").source(text("f.csv", "1,2\n3,4\n")).format(DataFormat.CSV)
                .header(HeaderMode.FIRST_ROW).build());
        LoadResult noHeader = load(LoadRequest.into("no_header").source(text("n.csv", "a,b\nc,d\n")).format(DataFormat.CSV)
                .header(HeaderMode.NO_HEADER).build());

        assertThat(firstRow.rows()).isEqualTo(1);
        assertThat(firstRow.columns()).extracting(LoadedColumn::name).containsExactly("1", "2");
        assertThat(noHeader.rows()).isEqualTo(2);
        assertThat(noHeader.columns()).extracting(LoadedColumn::name).containsExactly("column_1", "column_2");
        assertThat(jdbc.queryForList("SELECT column_1 FROM no_header ORDER BY 1", String.class)).containsExactly("a", "c");
    }

    // ---- existing tables -------------------------------------------------------------------

    @Test
    void loadsIntoAnExistingTableByColumnName() {
        pg.execute("CREATE TABLE people (id int PRIMARY KEY, \"Name\" varchar(40), born date, score numeric(5,2),"
                + " source text DEFAULT 'import', active boolean)");
        String csv = "name,active,ID,born,score\nAda,yes,1,1815-12-10,99.5\nGrace,f,2,1906-12-09,\n";

        LoadResult result = load(LoadRequest.into("people").source(text("people.csv", csv)).format(DataFormat.CSV).build());

        assertThat(result.tableCreated()).isFalse();
        assertThat(result.rows()).isEqualTo(2);
        assertThat(result.columns()).containsExactly(new LoadedColumn("Name", "character varying(40)"), new LoadedColumn("active", "boolean"),
                new LoadedColumn("id", "integer"), new LoadedColumn("born", "date"), new LoadedColumn("score", "numeric(5,2)"));
        assertThat(jdbc.queryForMap("SELECT \"Name\", active, born::text, score::text, source FROM people WHERE id = 1"))
                .containsEntry("Name", "Ada").containsEntry("active", true).containsEntry("born", "1815-12-10")
                .containsEntry("score", "99.50").containsEntry("source", "import");
        assertThat(jdbc.queryForObject("SELECT score IS NULL AND NOT active FROM people WHERE id = 2", Boolean.class)).isTrue();
    }

    @Test
    void refusesASourceColumnTheTableLacksNamingItAndTheTableColumns() {
        pg.execute("CREATE TABLE narrow (id int, label text)", "INSERT INTO narrow VALUES (7, 'kept')");

        LoadException error = loadFailure(LoadRequest.into("narrow").source(text("wide.csv", "id,label,colour\n1,a,red\n"))
                .format(DataFormat.CSV).build());

        assertThat(error.getColumn()).isEqualTo("colour");
        assertThat(error.getMessage()).contains("table public.narrow has no column 'colour'; its columns are id, label");
        assertThat(jdbc.queryForList("SELECT label FROM narrow", String.class)).containsExactly("kept");
    }

    @Test
    void refusesAMissingTableWhenAskedNotToCreateIt() {
        LoadException error = loadFailure(LoadRequest.into("never_created").source(text("x.csv", "a\n1\n")).format(DataFormat.CSV)
                .createTable(false).build());

        assertThat(error.getMessage()).contains("table public.never_created does not exist");
        assertThat(tableExists("never_created")).isFalse();
    }

    // ---- bad input ---------------------------------------------------------------------------

    @Test
    void reportsAnUnclosedQuoteAtLine3AndCreatesNothing() {
        String csv = "code,label\nA,first\nB,\"second\nC,third\nD,fourth\n";

        LoadException error = loadFailure(LoadRequest.into("unclosed_new").source(LoadSource.of(write("unclosed.csv", csv))).build());

        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getRecord()).isEqualTo(2);
        assertThat(error.getSource()).isEqualTo("unclosed.csv");
        assertThat(error.getMessage()).startsWith("unclosed quote in the record that starts at line 3")
                .endsWith("(unclosed.csv, line 3, record 2)");
        assertThat(tableExists("unclosed_new")).isFalse();
    }

    @Test
    void leavesAnExistingTableUnchangedWhenTheCsvHasAnUnclosedQuote() {
        pg.execute("CREATE TABLE unclosed_existing (code text, label text)", "INSERT INTO unclosed_existing VALUES ('Z', 'kept')");
        String csv = "code,label\nA,first\nB,\"second\nC,third\n";

        LoadException error = loadFailure(LoadRequest.into("unclosed_existing").source(text("unclosed.csv", csv)).format(DataFormat.CSV).build());

        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getMessage()).contains("unclosed quote in the record that starts at line 3");
        assertThat(jdbc.queryForList("SELECT code || ':' || label FROM unclosed_existing", String.class)).containsExactly("Z:kept");
    }

    @Test
    void reportsAWrongJsonTypeInRecord2AndCreatesNothing() {
        String json = "[\n  {\"id\": 1, \"name\": \"one\"},\n  {\"id\": \"two\", \"name\": \"two\"}\n]\n";

        LoadException error = loadFailure(LoadRequest.into("wrong_type_new").source(LoadSource.of(write("wrong-type.json", json))).build());

        assertThat(error.getRecord()).isEqualTo(2);
        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getColumn()).isEqualTo("id");
        assertThat(error.getMessage()).contains("field 'id' holds a JSON number (first in record 1) but this record has the string \"two\"")
                .endsWith("(wrong-type.json, line 3, record 2, column 'id')");
        assertThat(tableExists("wrong_type_new")).isFalse();
    }

    @Test
    void leavesAnExistingTableUnchangedWhenJsonRecord2HasAWrongType() {
        pg.execute("CREATE TABLE wrong_type_existing (id bigint, name text)", "INSERT INTO wrong_type_existing VALUES (9, 'kept')");
        String json = "{\"id\": 1, \"name\": \"one\"}\n{\"id\": \"two\", \"name\": \"two\"}\n";

        LoadException error = loadFailure(LoadRequest.into("wrong_type_existing").source(text("wrong-type.ndjson", json))
                .format(DataFormat.NDJSON).build());

        assertThat(error.getRecord()).isEqualTo(2);
        assertThat(error.getLine()).isEqualTo(2);
        assertThat(error.getColumn()).isEqualTo("id");
        assertThat(error.getMessage()).startsWith("\"two\" is not a bigint");
        assertThat(jdbc.queryForList("SELECT id || ':' || name FROM wrong_type_existing", String.class)).containsExactly("9:kept");
    }

    @Test
    void reportsAStreamValueThatBreaksTheTypeInferredFromTheSample() {
        String csv = "n,label\n1,a\n2,b\n3,c\n4,d\nfive,e\n6,f\n";

        LoadException error = loadFailure(LoadRequest.into("late_misfit").source(text("late.csv", csv)).format(DataFormat.CSV)
                .sampleRows(3).build());

        assertThat(error.getLine()).isEqualTo(6);
        assertThat(error.getRecord()).isEqualTo(5);
        assertThat(error.getColumn()).isEqualTo("n");
        assertThat(error.getMessage()).startsWith("\"five\" is not a bigint (the column's type bigint was inferred from the first 3 records;"
                + " set columnType(\"n\", ColumnType.TEXT)");
        assertThat(tableExists("late_misfit")).isFalse();
    }

    @Test
    void loadsALateMisfitAsTextWhenTheTypeIsOverridden() {
        String csv = "n,label\n1,a\n2,b\n3,c\n4,d\nfive,e\n";

        LoadResult result = load(LoadRequest.into("late_override").source(text("late.csv", csv)).format(DataFormat.CSV)
                .sampleRows(3).columnType("n", ColumnType.TEXT).build());

        assertThat(result.rows()).isEqualTo(5);
        assertThat(result.columns()).startsWith(new LoadedColumn("n", "text"));
    }

    @Test
    void reportsAJsonKeyThatFirstAppearsAfterTheStreamSample() {
        String ndjson = "{\"a\":1}\n{\"a\":2}\n{\"a\":3,\"b\":\"late\"}\n";

        LoadException error = loadFailure(LoadRequest.into("late_key").source(text("late.ndjson", ndjson)).format(DataFormat.NDJSON)
                .sampleRows(2).build());

        assertThat(error.getRecord()).isEqualTo(3);
        assertThat(error.getColumn()).isEqualTo("b");
        assertThat(error.getMessage()).startsWith("the key 'b' first appears in record 3, after the first 2 records");
        assertThat(tableExists("late_key")).isFalse();
    }

    @Test
    void reportsInvalidUtf8WithItsLine() {
        byte[] bytes = "a,b\n1,ok\n2,bad \u00e9\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 3] = (byte) 0xff; // the first byte of é
        LoadException error = loadFailure(LoadRequest.into("bad_utf8").source(LoadSource.of("bad.csv", () -> new ByteArrayInputStream(bytes)))
                .format(DataFormat.CSV).build());

        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getMessage()).startsWith("invalid UTF-8 at line 3");
        assertThat(tableExists("bad_utf8")).isFalse();
    }

    @Test
    void reportsJsonSyntaxErrorsWithLineAndColumn() {
        String json = "[\n{\"a\": 1},\n{\"a\": 2,}\n]";

        LoadException error = loadFailure(LoadRequest.into("bad_json").source(text("bad.json", json)).format(DataFormat.JSON).build());

        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getRecord()).isEqualTo(2);
        assertThat(error.getMessage()).startsWith("invalid JSON at line 3, column 9 (in record 2, which starts at line 3)");
    }

    @Test
    void reportsAWrongFieldCount() {
        LoadException error = loadFailure(LoadRequest.into("ragged").source(text("ragged.csv", "a,b\n1,2\n3,4,5\n")).format(DataFormat.CSV).build());

        assertThat(error.getLine()).isEqualTo(3);
        assertThat(error.getRecord()).isEqualTo(2);
        assertThat(error.getMessage()).startsWith("expected 2 fields (as in the first row) but the record that starts at line 3 has 3");
    }

    @Test
    void keepsTheDriversErrorForAConstraintViolatedDuringCopy() {
        pg.execute("CREATE TABLE unique_codes (code text PRIMARY KEY)", "INSERT INTO unique_codes VALUES ('kept')");

        Throwable error = Mono.usingWhen(factory.create(),
                        c -> PostgresCopy.load(c, LoadRequest.into("unique_codes").source(text("dup.csv", "code\nx\ny\nx\n"))
                                .format(DataFormat.CSV).build()),
                        Connection::close)
                .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(TIMEOUT);

        assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(((R2dbcDataIntegrityViolationException) error).getSql()).contains("\"public\".\"unique_codes\"");
        assertThat(jdbc.queryForList("SELECT code FROM unique_codes", String.class)).containsExactly("kept");
    }

    @Test
    void keepsTheDriversErrorAndAUsableConnectionWhenALargeLoadViolatesAConstraint() {
        pg.execute("CREATE TABLE unique_names (name text PRIMARY KEY, n bigint)");
        // a duplicate in rows 1 and 2, then many good rows, generated as the load pulls them
        Flux<ByteBuffer> source = Flux.concat(Mono.just("name,n\ndup,1\ndup,2\n"),
                        Flux.range(3, 100_000).buffer(1_000).map(rows -> {
                            StringBuilder text = new StringBuilder();
                            rows.forEach(i -> text.append("name ").append(i).append(',').append(i).append('\n'));
                            return text.toString();
                        }))
                .map(text -> ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        PostgresqlConnection connection = factory.create().block(TIMEOUT);
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                Throwable error = PostgresCopy.load(connection, LoadRequest.into("unique_names").source(LoadSource.of("generated", source))
                                .format(DataFormat.CSV).build())
                        .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(TIMEOUT);

                assertThat(error).isInstanceOf(R2dbcDataIntegrityViolationException.class).hasMessageContaining("unique_names_pkey");
                assertThat(((R2dbcDataIntegrityViolationException) error).getSql()).startsWith("INSERT INTO \"public\".\"unique_names\"");
                assertThat(error.getSuppressed()).as("the rollback succeeded").isEmpty();
                assertThat(Mono.from(connection.createStatement("SELECT count(*) FROM unique_names").execute())
                        .flatMap(r -> Mono.from(r.map((row, m) -> row.get(0, Long.class)))).block(TIMEOUT)).isZero();
            }
        } finally {
            connection.close().block(TIMEOUT);
        }
    }

    // ---- transactions and cancellation -----------------------------------------------------

    @Test
    void cancellingALoadMidwayLeavesNothing() throws Exception {
        byte[] cities = Files.readAllBytes(SharedData.file("geonames-cities.csv"));
        int half = cities.length / 2;
        // half of the file, then a source that never ends: the load is cancelled while COPY is running
        Flux<ByteBuffer> stalled = Flux.range(0, half / 8192)
                .map(i -> ByteBuffer.wrap(cities, i * 8192, 8192))
                .concatWith(Flux.never());
        PostgresqlConnection connection = factory.create().block(TIMEOUT);
        try {
            // cancelled at different points of the COPY, one after the other on the same connection
            for (long progress : new long[]{1_000, 20_000, 60_000}) {
                Disposable loading = PostgresCopy.load(connection, LoadRequest.into("cancelled").source(LoadSource.of("stalled", stalled))
                        .format(DataFormat.CSV).sampleRows(500).build()).subscribe();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (jdbc.queryForObject("SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy", Long.class) < progress) {
                    assertThat(System.nanoTime()).as("COPY made progress before the deadline").isLessThan(deadline);
                    Thread.sleep(5);
                }
                loading.dispose();

                // the same connection runs after the rollback: the table it created is gone, auto-commit is back
                assertThat(Mono.from(connection.createStatement("SELECT to_regclass('cancelled') IS NULL").execute())
                        .flatMap(r -> Mono.from(r.map((row, m) -> row.get(0, Boolean.class)))).block(TIMEOUT)).isTrue();
                assertThat(connection.isAutoCommit()).isTrue();
                assertThat(tableExists("cancelled")).isFalse();
            }
        } finally {
            connection.close().block(TIMEOUT);
        }
    }

    @Test
    void takesPartInTheCallersTransactionThroughASavepoint() {
        pg.execute("CREATE TABLE audit (what text)");
        PostgresqlConnection connection = factory.create().block(TIMEOUT);
        try {
            Throwable failed = connection.beginTransaction()
                    .then(Mono.from(connection.createStatement("INSERT INTO audit VALUES ('before')").execute()).flatMap(r -> Mono.from(r.getRowsUpdated())))
                    .then(PostgresCopy.load(connection, LoadRequest.into("in_tx_failed").source(text("bad.csv", "a,b\n1,2\n3\n"))
                            .format(DataFormat.CSV).build()))
                    .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(TIMEOUT);
            assertThat(failed).isInstanceOf(LoadException.class);

            LoadResult loaded = PostgresCopy.load(connection, LoadRequest.into("in_tx_loaded").source(text("ok.csv", "a,b\n1,2\n"))
                    .format(DataFormat.CSV).build()).block(TIMEOUT);
            assertThat(loaded.rows()).isEqualTo(1);
            Mono.from(connection.createStatement("INSERT INTO audit VALUES ('after')").execute()).flatMap(r -> Mono.from(r.getRowsUpdated()))
                    .then(connection.commitTransaction()).block(TIMEOUT);
        } finally {
            connection.close().block(TIMEOUT);
        }

        assertThat(jdbc.queryForList("SELECT what FROM audit ORDER BY what", String.class)).containsExactly("after", "before");
        assertThat(tableExists("in_tx_failed")).isFalse();
        assertThat(count("in_tx_loaded")).isEqualTo(1);
    }

    @Test
    void refusesAConnectionThatIsNotPostgres() {
        Connection other = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> null);

        assertThatThrownBy(() -> PostgresCopy.load(other, LoadRequest.into("x").source(text("x.csv", "a\n")).format(DataFormat.CSV).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs an r2dbc-postgresql connection");
    }

    private static Path write(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("tributary-load-");
            Path file = dir.resolve(name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
