package dev.tributary.r2dbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowMappingTest {

    @Test
    void turnsCamelCaseIntoSnakeCase() {
        assertThat(RowMapping.snakeCase("elevationFt")).isEqualTo("elevation_ft");
        assertThat(RowMapping.snakeCase("isoCountry")).isEqualTo("iso_country");
        assertThat(RowMapping.snakeCase("name")).isEqualTo("name");
    }
}
