package dev.tributary.emulator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A plain reactor-netty HTTP client for the tests, blocking on the test thread: requests with an
 * optional bearer key, JSON bodies, and multipart uploads whose file is read on a bounded-elastic
 * thread. Every request opens a connection of its own.
 */
final class PlatformHttp {

    static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, headers and the whole body. */
    record Answer(int status, HttpHeaders headers, byte[] body) {

        JsonNode json() {
            try {
                return JSON.readTree(this.body);
            } catch (IOException e) {
                throw new AssertionError("The body is not JSON: " + text(), e);
            }
        }

        String text() {
            return new String(this.body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return this.status + " " + text();
        }
    }

    private final HttpClient client = HttpClient.create(ConnectionProvider.newConnection()).responseTimeout(TIMEOUT);
    private final String baseUrl;

    PlatformHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    HttpClient client() {
        return this.client;
    }

    String url(String path) {
        return path.startsWith("http") ? path : this.baseUrl + path;
    }

    Answer get(String path, String key) {
        return request(HttpMethod.GET, path, key, null, null);
    }

    /** A GET with the {@code Authorization} header exactly as given. */
    Answer getWithAuthorization(String path, String authorization) {
        return this.client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, authorization))
                .get()
                .uri(url(path))
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders(), bytes)))
                .block(TIMEOUT);
    }

    Answer delete(String path, String key) {
        return request(HttpMethod.DELETE, path, key, null, null);
    }

    Answer post(String path, String key, String json) {
        return request(HttpMethod.POST, path, key, json == null ? null : json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    Answer patch(String path, String key, String json) {
        return request(HttpMethod.PATCH, path, key, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    Answer request(HttpMethod method, String path, String key, byte[] body, String contentType) {
        return this.client
                .headers(h -> {
                    if (key != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key);
                    }
                    if (contentType != null) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    }
                })
                .request(method)
                .uri(url(path))
                .send(body == null ? Mono.empty() : Mono.just(Unpooled.wrappedBuffer(body)))
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders(), bytes)))
                .block(TIMEOUT);
    }

    /**
     * POSTs a multipart/form-data body: the fields, then (unless {@code file} is {@code null}) the
     * file as part {@code file} named {@code fileName}, streamed from disk.
     */
    Answer upload(String path, String key, Map<String, String> fields, Path file, String fileName) {
        String boundary = "----tributary-test-boundary-7MA4YWxkTrZu0gW";
        StringBuilder head = new StringBuilder();
        fields.forEach((name, value) -> head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        if (file != null) {
            head.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"file\"; filename=\"").append(fileName).append("\"\r\n")
                    .append("Content-Type: application/octet-stream\r\n\r\n");
        }
        byte[] preamble = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] epilogue = ((file != null ? "\r\n" : "") + "--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long fileSize;
        try {
            fileSize = file == null ? 0 : Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Flux<ByteBuf> body = Flux.concat(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(preamble)),
                file == null ? Flux.empty() : read(file),
                Mono.fromSupplier(() -> Unpooled.wrappedBuffer(epilogue)));
        long length = preamble.length + fileSize + epilogue.length;
        return this.client
                .headers(h -> {
                    if (key != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key);
                    }
                    h.set(HttpHeaderNames.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary);
                    h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
                })
                .post()
                .uri(url(path))
                .send(body)
                .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders(), bytes)))
                .block(TIMEOUT);
    }

    /** A file's bytes in 64 KiB chunks, read on a bounded-elastic thread. */
    static Flux<ByteBuf> read(Path file) {
        return Flux.using(() -> Files.newInputStream(file),
                        (InputStream in) -> Flux.<ByteBuf>generate(sink -> {
                            try {
                                byte[] chunk = in.readNBytes(64 * 1024);
                                if (chunk.length == 0) {
                                    sink.complete();
                                } else {
                                    sink.next(Unpooled.wrappedBuffer(chunk));
                                }
                            } catch (IOException e) {
                                sink.error(e);
                            }
                        }),
                        in -> {
                            try {
                                in.close();
                            } catch (IOException ignored) {
                                // a test's read
                            }
                        })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** Polls a job's status URL until it is DONE or FAILED; returns the last status. */
    JsonNode awaitJob(String statusUrl, String key) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Answer a = get(statusUrl, key);
            if (a.status() != 200) {
                throw new AssertionError("Polling " + statusUrl + " answered " + a);
            }
            JsonNode job = a.json();
            String state = job.get("state").asText();
            if (state.equals("DONE") || state.equals("FAILED")) {
                return job;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("The job at " + statusUrl + " did not finish within " + TIMEOUT);
    }

    static String json(Map<String, ?> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
