package dev.tributary.examples.cli;

import dev.tributary.testkit.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tributary demo} in process, on an embedded PostgreSQL named by TRIBUTARY_URL. */
class DemoCommandIT {

    private static EmbeddedPostgresServer pg;
    private static CommandRun demo;

    @BeforeAll
    static void startPostgresAndRunTheDemo() {
        pg = EmbeddedPostgresServer.builder().start();
        demo = CommandRun.of(Map.of("TRIBUTARY_URL", pg.r2dbcUrl("postgres")), "demo");
        assertThat(demo.exitCode()).as(demo::toString).isZero();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void printsTheRowCountsOfTheFourDataSets() {
        assertThat(demo.section("1. Row counts")).containsSubsequence(
                "table_name       rows",
                "---------------  ----",
                "airports         5210",
                "countries         248",
                "regions          3901",
                "world_countries   250",
                "(4 rows)");
    }

    @Test
    void loadsEachDataSetIntoATableItCreates() {
        List<String> load = demo.section("Load the data sets");
        assertThat(load).anySatisfy(line -> assertThat(line).matches("public\\.airports\\s+5210\\s+18\\s+yes\\s+ourairports-airports\\.json\\s+\\d+"));
        assertThat(load).anySatisfy(line -> assertThat(line).matches("public\\.countries\\s+248\\s+6\\s+yes\\s+ourairports-countries\\.json\\s+\\d+"));
        assertThat(load).anySatisfy(line -> assertThat(line).matches("public\\.regions\\s+3901\\s+8\\s+yes\\s+ourairports-regions\\.json\\s+\\d+"));
        assertThat(load).anySatisfy(line -> assertThat(line).matches("public\\.world_countries\\s+250\\s+74\\s+yes\\s+world-countries\\.csv\\s+\\d+"));
        assertThat(load).anySatisfy(line -> assertThat(line).matches("9,609 rows in 4 tables, [\\d,]+ ms"));
    }

    @Test
    void printsTheTenHighestAirportsHighestFirst() {
        List<String> highest = demo.section("2. The 10 highest airports");
        assertThat(highest.get(1)).matches("name\\s+country\\s+municipality\\s+elevation_ft");
        assertThat(highest.get(3)).matches("Daocheng Yading Airport\\s+CN\\s+Garzê \\(Daocheng\\)\\s+14472");
        assertThat(highest.get(4)).matches("Qamdo Bangda Airport\\s+CN\\s+Bangda\\s+14219");
        assertThat(highest.get(8)).matches("El Alto International Airport\\s+BO\\s+.*\\s+13355");
        assertThat(highest.get(12)).matches("Golog Maqên Airport\\s+CN\\s+.*\\s+12426");
        assertThat(highest.get(13)).isEqualTo("(10 rows)");
    }

    @Test
    void countsLargeAirportsPerContinent() {
        assertThat(demo.section("3. Large airports per continent")).containsSubsequence(
                "continent  continent_name  large_airports",
                "---------  --------------  --------------",
                "AS         Asia                       142",
                "NA         North America              116",
                "EU         Europe                     115",
                "AF         Africa                      48",
                "SA         South America               26",
                "OC         Oceania                     16",
                "(6 rows)");
    }

    @Test
    void namesTheCountriesInJapaneseAndArabicFromTheCsv() {
        List<String> named = demo.section("4. The 10 countries with the most large airports");
        // Columns are padded by terminal width: Japanese takes two columns per character.
        assertThat(named).containsSubsequence(
                "country        japanese  arabic            large_airports",
                "-------------  --------  ----------------  --------------",
                "United States  アメリカ  الولايات المتحدة              66",
                "China          中国      الصين                         39",
                "Mexico         メキシコ  المسكيك                       16",
                "Russia         ロシア    روسيا                         16",
                "Italy          イタリア  إيطاليا                       14",
                "Canada         カナダ    كندا                          13",
                "Japan          日本      اليابان                       12",
                "Spain          スペイン  إسبانيا                       11",
                "Germany        ドイツ    ألمانيا                       10",
                "India          インド    الهند                          9",
                "(10 rows)");
    }

    @Test
    void joinsAirportsWithCountriesForTheAirportsPerCountry() {
        assertThat(demo.section("5. Airports per country")).containsSubsequence(
                "country         code  continent  airports  large  highest_ft",
                "--------------  ----  ---------  --------  -----  ----------",
                "United States   US    NA              873     66        7820",
                "Canada          CA    NA              342     13        3940",
                "China           CN    AS              305     39       14472",
                "Russia          RU    EU              254     16        2812",
                "Australia       AU    OC              190      6        4260",
                "France          FR    EU              141      8        3362",
                "Brazil          BR    SA              132      8        4138",
                "India           IN    AS              125      9       10682",
                "Japan           JP    AS              107     12        2182",
                "United Kingdom  GB    EU               91      9        1066",
                "(10 rows)");
    }

    @Test
    void printsHowLongEachStepTook() {
        Pattern millis = Pattern.compile("[\\d,]+ ms");
        for (String step : List.of("1. ", "2. ", "3. ", "4. ", "5. ")) {
            List<String> lines = demo.section(step);
            int footer = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("\\(\\d+ rows?\\)")) {
                    footer = i;
                }
            }
            assertThat(footer).as(step).isPositive();
            assertThat(lines.get(footer + 1)).as(step).matches(millis);
        }
        assertThat(demo.outLines()).anySatisfy(line -> assertThat(line)
                .matches("Demo done in [\\d,]+ ms \\(loading [\\d,]+ ms, questions [\\d,]+ ms, Bitbucket sync [\\d,]+ ms\\)\\."));
    }

    @Test
    void syncsTwoThousandBitbucketIssuesAndCountsThemPerState() {
        List<String> lines = demo.section("Bitbucket: 2,000 issues");
        assertThat(lines.get(1)).matches("Synced 2,000 issues of demo/app from the emulator at http://127\\.0\\.0\\.1:\\d+/2\\.0"
                + " into bitbucket_issues in [\\d,]+ ms \\([\\d,]+ rows/s, 4 batches of at most 500, upsert by id\\)");
        // IssueSeed.varied: 9 states in turn, so 223 issues for the first two states (i % 9 < 2), 222 for the others
        assertThat(lines).contains("Issues per state and kind, from PostgreSQL:");
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("state\\s+issues\\s+bugs\\s+enhancements\\s+proposals\\s+tasks\\s+votes"));
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("new\\s+223\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+"));
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("closed\\s+222\\s+.*"));
        assertThat(lines).contains("(9 rows)");
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("[\\d,]+ ms"));
    }

    @Test
    void namesTheDatabaseWithoutCredentials() {
        assertThat(demo.outLines()).contains("Database: r2dbc:postgresql://127.0.0.1:" + pg.port() + "/postgres (from TRIBUTARY_URL)");
        assertThat(demo.err()).isEmpty();
    }

    @Test
    void runsAgainOnTheSameDatabaseReloadingTheTablesAndNeverPrintingThePassword() {
        // The superuser is trusted on loopback, so the password is not checked: but it must never show.
        String url = "r2dbc:postgresql://postgres:Tr1but4ry-s3cret@127.0.0.1:" + pg.port() + "/postgres";
        CommandRun again = CommandRun.of(Map.of("TRIBUTARY_URL", url), "demo");
        assertThat(again.exitCode()).as(again::toString).isZero();
        assertThat(again.out() + again.err()).doesNotContain("Tr1but4ry-s3cret");
        assertThat(again.section("1. Row counts")).contains("airports         5210", "world_countries   250");
        assertThat(again.section("Load the data sets")).anySatisfy(line -> assertThat(line).matches("public\\.airports\\s+5210\\s+18\\s+yes\\s+.*"));
    }
}
