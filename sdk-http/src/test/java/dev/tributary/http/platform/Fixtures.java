package dev.tributary.http.platform;

/** The service's JSON shapes, as API.md and the OpenAPI document give them, for the wire tests. */
final class Fixtures {

    static final String KEY = "v2_unit_test_key_0123456789";

    private Fixtures() {
    }

    static String database(String name, boolean isPrivate) {
        return """
                {"id":"5f0e2b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f","name":"%s","date_created":"2024-05-01T10:00:00.123456+00:00",
                 "is_private":%s,"role":"OWNER","storage_limit_bytes":3221225472,"storage_usage_bytes":7340032,
                 "usage_current":{"rows_queried":12,"period_start":"2024-05-01","period_end":"2024-05-31"},
                 "usage_previous":{"rows_queried":0,"period_start":"2024-04-01","period_end":"2024-04-30"}}"""
                .formatted(name, isPrivate);
    }

    static String importJob(String id, String state, String statusUrl) {
        return """
                {"id":"%s","date_created":"2024-05-01T10:00:00Z","state":"%s","retries":0,"status_url":"%s"}"""
                .formatted(id, state, statusUrl);
    }

    static String failedImportJob(String id, String statusUrl) {
        return """
                {"id":"%s","date_created":"2024-05-01T10:00:00Z","date_finished":"2024-05-01T10:00:02Z","state":"FAILED",
                 "retries":0,"error_type":"ImportFormatError","error_id":"7d1c0a4e-0000-4000-8000-000000000001",
                 "error_details":{"line":17,"column":"population","message":"invalid input syntax for type bigint"},
                 "status_url":"%s"}""".formatted(id, statusUrl);
    }

    static String exportJob(String id, String state, String statusUrl, String downloadUrl) {
        return """
                {"id":"%s","date_created":"2024-05-01T10:00:00Z","state":"%s","retries":0,"status_url":"%s",
                 "export_format":"csv","file_name":"cities.csv"%s}"""
                .formatted(id, state, statusUrl, downloadUrl == null ? "" : ",\"download_url\":\"" + downloadUrl + "\"");
    }

    static String serviceAccount(String id) {
        return """
                {"id":"%s","name":"etl","date_created":"2024-05-01T10:00:00Z","role":"WRITER",
                 "databases":[{"id":"5f0e2b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f","name":"alice/demo"}],
                 "token_count":2,"active_token_count":1}""".formatted(id);
    }
}
