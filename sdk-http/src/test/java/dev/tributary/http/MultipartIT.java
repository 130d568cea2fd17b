package dev.tributary.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Multipart uploads of a real data set: what arrives, byte for byte. */
class MultipartIT {

    private static final Path CITIES = Path.of(System.getProperty("tributary.shared.data"), "geonames-cities.csv");

    /** A part as Netty's decoder read it. */
    record Part(String filename, String contentType, byte[] bytes) {
    }

    /**
     * Splits a recorded {@code multipart/form-data} body into its parts (RFC 7578, RFC 2046 §5.1.1).
     * Netty's own decoder reads the same format in {@code MultipartEncoderTest}; on a 7 MB body under
     * paranoid leak detection it takes seconds, so this IT reads the framing itself.
     */
    private static Map<String, Part> decode(LoopbackServer.Seen seen) {
        String contentType = seen.header("Content-Type");
        String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
        byte[] body = seen.body;
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        Map<String, Part> parts = new LinkedHashMap<>();
        int at = indexOf(body, delimiter, 0);
        assertThat(at).as("the body starts with the first delimiter").isZero();
        while (true) {
            int afterDelimiter = at + delimiter.length;
            if (body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                assertThat(body.length).as("nothing after the close delimiter but CRLF").isEqualTo(afterDelimiter + 4);
                return parts;
            }
            int headersStart = afterDelimiter + 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), contentStart);
            byte[] content = java.util.Arrays.copyOfRange(body, contentStart, next);
            String name = parameter(headers, "name");
            String contentTypeHeader = null;
            for (String line : headers.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                    contentTypeHeader = line.substring(13).strip();
                }
            }
            parts.put(name, new Part(parameter(headers, "filename"), contentTypeHeader, content));
            at = next + 2;
        }
    }

    private static String parameter(String headers, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[; ]" + name + "=\"([^\"]*)\"").matcher(headers);
        return m.find() ? m.group(1) : null;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found from " + from);
    }

    private static MultipartBody importBody() {
        return MultipartBody.builder()
                .field("table_name", "cities")
                .field("schema_name", "public")
                .field("infer_header", "first_row")
                .file("file", CITIES, "text/csv")
                .build();
    }

    @Test
    void uploadsARealFileByteIdenticalWithItsContentLength() throws IOException {
        try (LoopbackServer server = LoopbackServer.start((request, response) -> response.status(201)
                .header("Content-Type", "application/json")
                .sendString(Mono.just("{\"id\": \"imp-1\", \"state\": \"RECEIVED\"}")));
             HttpServiceClient client = HttpServiceClient.builder().baseUrl(server.url() + "/v2beta").build()) {
            StepVerifier.create(client.post("/db/{user}/{db}/import/", "alice", "demo").multipartBody(importBody())
                            .retrieve(JsonNode.class))
                    .assertNext(job -> assertThat(job.get("state").asText()).isEqualTo("RECEIVED"))
                    .verifyComplete();

            LoopbackServer.Seen seen = server.last();
            assertThat(seen.uri).isEqualTo("/v2beta/db/alice/demo/import/");
            assertThat(seen.header("Transfer-Encoding")).isNull();
            assertThat(Long.parseLong(seen.header("Content-Length"))).isEqualTo(seen.body.length);
            assertThat(seen.header("Content-Type")).startsWith("multipart/form-data; boundary=tributary-");
            Map<String, Part> parts = decode(seen);
            assertThat(parts.keySet()).containsExactly("table_name", "schema_name", "infer_header", "file");
            assertThat(new String(parts.get("table_name").bytes(), StandardCharsets.UTF_8)).isEqualTo("cities");
            assertThat(new String(parts.get("infer_header").bytes(), StandardCharsets.UTF_8)).isEqualTo("first_row");
            Part file = parts.get("file");
            assertThat(file.filename()).isEqualTo("geonames-cities.csv");
            assertThat(file.contentType()).isEqualTo("text/csv");
            byte[] expected = Files.readAllBytes(CITIES);
            assertThat(file.bytes().length).isEqualTo(expected.length);
            assertThat(file.bytes()).isEqualTo(expected);
            System.out.printf("multipart upload: %,d byte file, %,d byte body, Content-Length %s%n",
                    expected.length, seen.body.length, seen.header("Content-Length"));
        }
    }

    @Test
    void aRetriedUploadStreamsTheFileAgain() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        try (LoopbackServer server = LoopbackServer.start((request, response) -> requests.incrementAndGet() == 1
                ? response.status(503).sendString(Mono.just("busy"))
                : response.status(201).sendString(Mono.just("{\"id\": \"imp-2\"}")));
             HttpServiceClient client = HttpServiceClient.builder().baseUrl(server.url())
                     .retry(RetrySettings.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(10)).build()).build()) {
            StepVerifier.create(client.post("/import").multipartBody(importBody()).safeToRepeat().retrieveJson())
                    .assertNext(job -> assertThat(job.get("id").asText()).isEqualTo("imp-2"))
                    .verifyComplete();
            assertThat(server.seen()).hasSize(2);
            assertThat(server.seen().get(1).body).isEqualTo(server.seen().get(0).body);
            assertThat(decode(server.seen().get(1)).get("file").bytes()).isEqualTo(Files.readAllBytes(CITIES));
        }
    }
}
