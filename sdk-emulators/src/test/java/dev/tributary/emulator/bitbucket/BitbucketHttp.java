package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A blocking {@code java.net.http} client for the tests (run on the JUnit thread): JSON and form
 * requests with an {@code Authorization} header; redirects are not followed.
 */
final class BitbucketHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, headers and body. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(this.body);
            } catch (IOException e) {
                throw new AssertionError("The body is not JSON: " + this.body, e);
            }
        }

        String header(String name) {
            return this.headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return this.status + " " + this.body;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String authorization;

    BitbucketHttp(String authorization) {
        this.authorization = authorization;
    }

    static BitbucketHttp basic(String user, String password) {
        return new BitbucketHttp("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    static BitbucketHttp bearer(String token) {
        return new BitbucketHttp("Bearer " + token);
    }

    static BitbucketHttp anonymous() {
        return new BitbucketHttp(null);
    }

    Answer get(String url) {
        return send("GET", url, null, null);
    }

    Answer delete(String url) {
        return send("DELETE", url, null, null);
    }

    Answer post(String url, String json) {
        return send("POST", url, "application/json", json);
    }

    Answer put(String url, String json) {
        return send("PUT", url, "application/json", json);
    }

    Answer form(String url, String form) {
        return send("POST", url, "application/x-www-form-urlencoded", form);
    }

    Answer send(String method, String url, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (this.authorization != null) {
            b.header("Authorization", this.authorization);
        }
        try {
            HttpResponse<String> r = this.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
