package dev.tributary.http.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

class PlatformModelTest {

    private final ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    @Test
    void decodesADatabaseInTheServicesSnakeCaseShape() throws Exception {
        String json = """
                {"id":"5f0e2b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f","name":"alice/demo","date_created":"2022-08-17T09:12:33.123456+00:00",
                 "is_private":false,"role":"OWNER","storage_limit_bytes":3221225472,"storage_usage_bytes":7340032,
                 "usage_current":{"rows_queried":1200,"period_start":"2022-08-01","period_end":"2022-08-31"},
                 "usage_previous":{"rows_queried":0,"period_start":"2022-07-01","period_end":"2022-07-31"},"extra":1}""";

        Database database = this.mapper.readValue(json, Database.class);

        assertThat(database.id()).isEqualTo(UUID.fromString("5f0e2b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f"));
        assertThat(database.owner()).isEqualTo("alice");
        assertThat(database.isPrivate()).isFalse();
        assertThat(database.role()).isEqualTo(Role.OWNER);
        assertThat(database.storageLimitBytes()).isEqualTo(3_221_225_472L);
        assertThat(database.storageUsageBytes()).isEqualTo(7_340_032L);
        assertThat(database.usageCurrent().rowsQueried()).isEqualTo(1200);
        assertThat(database.usagePrevious().periodEnd()).isEqualTo(LocalDate.of(2022, 7, 31));
    }

    @Test
    void decodesAFailedImportJobWithItsDetails() throws Exception {
        String json = """
                {"id":"0b5e0c4e-53a3-4a4a-9f0e-7f9a3c2b1d00","date_created":"2022-08-17T09:12:33Z","date_finished":"2022-08-17T09:12:35Z",
                 "state":"FAILED","retries":0,"error_type":"ImportFormatError","error_id":"3f2a...","error_details":{"line":17,"column":"population"},
                 "status_url":"https://api.bit.io/v2beta/import/0b5e0c4e-53a3-4a4a-9f0e-7f9a3c2b1d00"}""";

        ImportJob job = this.mapper.readValue(json, ImportJob.class);

        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.state().isTerminal()).isTrue();
        assertThat(job.errorDetails().get("line").asInt()).isEqualTo(17);
        assertThat(job.dateFinished()).isAfter(job.dateCreated());
    }

    @Test
    void decodesAnExportJobAndItsLowerCaseFormat() throws Exception {
        ExportJob job = this.mapper.readValue("""
                {"id":"0b5e0c4e-53a3-4a4a-9f0e-7f9a3c2b1d01","date_created":"2022-08-17T09:12:33Z","state":"RECEIVED","retries":0,
                 "export_format":"parquet","file_name":"cities.parquet"}""", ExportJob.class);

        assertThat(job.exportFormat()).isEqualTo(ExportFormat.PARQUET);
        assertThat(job.downloadUrl()).isNull();
        assertThat(job.state().isTerminal()).isFalse();
        assertThat(this.mapper.writeValueAsString(ExportFormat.XLS)).isEqualTo("\"xls\"");
    }

    @Test
    void neverPrintsAnApiKey() throws Exception {
        ApiKey key = this.mapper.readValue("{\"api_key\":\"v2_secretvalue123\",\"username\":\"alice\"}", ApiKey.class);

        assertThat(key.apiKey()).isEqualTo("v2_secretvalue123");
        assertThat(key.toString()).doesNotContain("secretvalue").contains("alice");
    }

    @Test
    void parsesAndRejectsDatabaseNames() {
        assertThat(DatabaseName.parse("alice/demo")).isEqualTo(new DatabaseName("alice", "demo"));
        assertThat(DatabaseName.parse("alice/demo").toString()).isEqualTo("alice/demo");
        assertThatThrownBy(() -> DatabaseName.parse("demo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'demo'");
        assertThatThrownBy(() -> DatabaseName.parse("a/b/c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExportFormat.fromApiValue("xlsx")).hasMessageContaining("csv, json, xls, parquet");
    }
}
