package dev.tributary.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class ExceptionFactoryTest {

    private static final ObjectMapper MAPPER = HttpServiceClient.defaultObjectMapper();

    private final ExceptionFactory factory = new ExceptionFactory("GET", "https://api.bit.io/v2beta/db/alice/demo");

    private HttpException status(int status, String body) {
        return this.factory.forStatus(status, "Reason", body.getBytes(StandardCharsets.UTF_8), ServiceErrorParser.bitio(),
                MAPPER, null);
    }

    @Test
    void typesEachStatusClassOnce() {
        assertThat(status(400, "")).isExactlyInstanceOf(HttpBadRequestException.class);
        assertThat(status(401, "")).isExactlyInstanceOf(HttpUnauthorizedException.class);
        assertThat(status(403, "")).isExactlyInstanceOf(HttpForbiddenException.class);
        assertThat(status(404, "")).isExactlyInstanceOf(HttpNotFoundException.class);
        assertThat(status(409, "")).isExactlyInstanceOf(HttpConflictException.class);
        assertThat(status(422, "")).isExactlyInstanceOf(HttpBadRequestException.class);
        assertThat(status(410, "")).isExactlyInstanceOf(HttpNonTransientException.class);
        assertThat(status(500, "")).isExactlyInstanceOf(HttpNonTransientException.class);
        for (int transientStatus : new int[]{429, 502, 503, 504}) {
            HttpException e = status(transientStatus, "");
            assertThat(e).isExactlyInstanceOf(HttpTransientException.class);
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getStatus()).isEqualTo(transientStatus);
        }
        assertThat(status(404, "").isTransient()).isFalse();
    }

    @Test
    void readsTheBitioUnauthorizedShape() {
        HttpException e = status(401, "{\"detail\": \"Invalid API key\", \"uuid\": \"6f1c0a52-1111-4c3e-9a4e-0a9d5b3c2e11\"}");
        ServiceError error = e.getServiceError().orElseThrow();
        assertThat(error.message()).isEqualTo("Invalid API key");
        assertThat(error.id()).isEqualTo("6f1c0a52-1111-4c3e-9a4e-0a9d5b3c2e11");
        assertThat(error.type()).isNull();
        assertThat(e.getMessage()).isEqualTo("GET https://api.bit.io/v2beta/db/alice/demo: 401 Reason: Invalid API key"
                + " [error id 6f1c0a52-1111-4c3e-9a4e-0a9d5b3c2e11]");
    }

    @Test
    void readsTheBitioErrorResponseShape() {
        HttpException e = status(409, "{\"status_code\": 409, \"error_id\": \"e-42\", \"message\": \"Database exists\","
                + " \"help\": \"Choose another name\", \"error\": {\"type\": \"DatabaseExistsError\"}}");
        ServiceError error = e.getServiceError().orElseThrow();
        assertThat(error.id()).isEqualTo("e-42");
        assertThat(error.type()).isEqualTo("DatabaseExistsError");
        assertThat(error.message()).isEqualTo("Database exists (Choose another name)");
        assertThat(error.details().get("status_code").asInt()).isEqualTo(409);
        assertThat(e).isInstanceOf(HttpConflictException.class)
                .hasMessageContaining("409 Reason: Database exists (Choose another name) [type DatabaseExistsError, error id e-42]");
    }

    @Test
    void readsTheBitioErrorResponseShapeWithoutOptionalFields() {
        ServiceError error = status(404, "{\"status_code\": 404, \"error_id\": \"e-7\"}").getServiceError().orElseThrow();
        assertThat(error.id()).isEqualTo("e-7");
        assertThat(error.type()).isNull();
        assertThat(error.message()).isNull();
    }

    @Test
    void readsTheBitioValidationShape() {
        HttpException e = status(422, "{\"detail\": [{\"loc\": [\"body\", \"name\"], \"msg\": \"field required\","
                + " \"type\": \"value_error.missing\"}, {\"loc\": [\"query\", \"limit\"], \"msg\": \"not an integer\","
                + " \"type\": \"type_error.integer\"}]}");
        ServiceError error = e.getServiceError().orElseThrow();
        assertThat(error.message()).isEqualTo("body.name: field required; query.limit: not an integer");
        assertThat(error.type()).isEqualTo("value_error.missing");
        assertThat(error.details().isArray()).isTrue();
        assertThat(error.details()).hasSize(2);
        assertThat(e).isInstanceOf(HttpBadRequestException.class).hasMessageContaining("body.name: field required");
    }

    @Test
    void fallsBackToTheGenericParserForUnknownJson() {
        HttpException e = status(500, "{\"type\": \"error\", \"error\": {\"message\": \"Something broke\", \"detail\": \"disk\"}}");
        assertThat(e.getServiceError().orElseThrow().message()).isEqualTo("Something broke: disk");
    }

    @Test
    void keepsAnHtmlBodyAsReadableTextWithoutCrashing() {
        HttpException e = status(502, "<html><head><title>502 Bad Gateway</title><style>body{}</style></head>"
                + "<body><h1>Bad   Gateway</h1>\n<p>nginx</p></body></html>");
        assertThat(e).isInstanceOf(HttpTransientException.class);
        assertThat(e.getServiceError().orElseThrow().message()).isEqualTo("502 Bad Gateway Bad Gateway nginx");
    }

    @Test
    void keepsPlainTextAndBrokenJsonAsTheMessage() {
        assertThat(status(503, "upstream connect error").getServiceError().orElseThrow().message())
                .isEqualTo("upstream connect error");
        assertThat(status(400, "{\"detail\": \"cut").getServiceError().orElseThrow().message())
                .isEqualTo("{\"detail\": \"cut");
    }

    @Test
    void anEmptyBodyLeavesTheReasonPhrase() {
        HttpException e = status(404, "  ");
        assertThat(e.getServiceError()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("GET https://api.bit.io/v2beta/db/alice/demo: 404 Reason");
    }

    @Test
    void truncatesLongBodies() {
        String body = "x".repeat(10_000);
        String message = status(500, body).getServiceError().orElseThrow().message();
        assertThat(message).hasSize(HttpException.MAX_BODY_TEXT + 3).endsWith("...");
    }

    @Test
    void aParserThatThrowsFallsBackToTheGenericOne() {
        HttpException e = this.factory.forStatus(400, "Bad Request", "{\"message\": \"nope\"}".getBytes(StandardCharsets.UTF_8),
                (status, body) -> {
                    throw new IllegalStateException("parser bug");
                }, MAPPER, null);
        assertThat(e.getServiceError().orElseThrow().message()).isEqualTo("nope");
    }

    @Test
    void typesNetworkFailuresByWhetherTheRequestMayHaveBeenSent() {
        Throwable refused = this.factory.forFailure(new ConnectException("Connection refused"), 0, Duration.ofSeconds(1));
        assertThat(refused).isInstanceOf(HttpConnectionException.class);
        assertThat(((HttpConnectionException) refused).isRequestSent()).isFalse();

        Throwable connectTimeout = this.factory.forFailure(new ConnectTimeoutException("timed out"), 0, Duration.ofSeconds(1));
        assertThat(((HttpConnectionException) connectTimeout).isRequestSent()).isFalse();

        Throwable premature = this.factory.forFailure(PrematureCloseException.TEST_EXCEPTION, 0, Duration.ofSeconds(1));
        assertThat(premature).isInstanceOf(HttpConnectionException.class).hasMessageContaining("before the response");
        assertThat(((HttpConnectionException) premature).isRequestSent()).isTrue();

        Throwable reset = this.factory.forFailure(new IOException("Connection reset by peer"), 200, Duration.ofSeconds(1));
        assertThat(reset).isInstanceOf(HttpConnectionException.class).hasMessageContaining("during the response (status 200)");
        assertThat(((HttpException) reset).getStatus()).isEqualTo(200);

        Throwable timeout = this.factory.forFailure(new TimeoutException(), 0, Duration.ofMillis(1500));
        assertThat(timeout).isInstanceOf(HttpResponseTimeoutException.class).hasMessageContaining("no response within 1500 ms");
        assertThat(((HttpResponseTimeoutException) timeout).getTimeout()).isEqualTo(Duration.ofMillis(1500));

        IllegalArgumentException unrelated = new IllegalArgumentException("user code");
        assertThat(this.factory.forFailure(unrelated, 0, Duration.ofSeconds(1))).isSameAs(unrelated);
    }

    @Test
    void aTlsFailureIsNotTransient() {
        Throwable tls = this.factory.forFailure(new io.netty.handler.codec.DecoderException(
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed")), 0, Duration.ofSeconds(1));
        assertThat(tls).isExactlyInstanceOf(HttpNonTransientException.class).hasMessageContaining("TLS failed");
    }
}
