package dev.tributary.examples.demo;

import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.HeaderMode;
import dev.tributary.sql.load.LoadRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DemoDataSetTest {

    @Test
    void shipsEveryDataSetOnTheClassPath() throws IOException {
        for (DemoDataSet dataSet : DemoDataSet.values()) {
            try (InputStream in = DemoDataSet.class.getResourceAsStream(dataSet.resource())) {
                assertThat(in).as(dataSet.resource()).isNotNull();
                assertThat(in.readNBytes(1)).as(dataSet.resource()).hasSize(1);
            }
        }
    }

    @Test
    void shipsTheAttributionOfEveryDataSetNextToThem() throws IOException {
        String notice;
        try (InputStream in = DemoDataSet.class.getResourceAsStream("/data/NOTICE.md")) {
            assertThat(in).isNotNull();
            notice = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (DemoDataSet dataSet : DemoDataSet.values()) {
            assertThat(notice).contains(dataSet.fileName());
        }
        assertThat(notice).contains("OurAirports data is public domain; package ISC",
                "ODbL 1.0, \"World countries data by Mohammed Le Doze (mledoze/countries)\"");
    }

    @Test
    void loadsTheJsonFilesAsJsonAndTheCsvWithItsHeaderRow() {
        LoadRequest airports = DemoDataSet.AIRPORTS.loadRequest();
        assertThat(airports.table()).isEqualTo("airports");
        assertThat(airports.format()).isEqualTo(DataFormat.JSON);
        assertThat(airports.source().description()).isEqualTo("ourairports-airports.json");

        LoadRequest world = DemoDataSet.WORLD_COUNTRIES.loadRequest();
        assertThat(world.table()).isEqualTo("world_countries");
        assertThat(world.format()).isEqualTo(DataFormat.CSV);
        assertThat(world.header()).isEqualTo(HeaderMode.FIRST_ROW);
        assertThat(DemoDataSet.values()).extracting(DemoDataSet::publishedRows).containsExactly(5_210L, 248L, 3_901L, 250L);
    }
}
