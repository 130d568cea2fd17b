package dev.tributary.benchmarks.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.benchmarks.RunSettings;
import dev.tributary.benchmarks.report.MarkdownTable;
import dev.tributary.benchmarks.report.Report;
import dev.tributary.benchmarks.report.Rounds;
import dev.tributary.http.HttpServiceClient;
import dev.tributary.http.paging.Pagination;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static dev.tributary.benchmarks.report.MarkdownTable.figure;
import static dev.tributary.benchmarks.report.MarkdownTable.noise;
import static dev.tributary.benchmarks.report.MarkdownTable.ratio;

/**
 * Scenario 6: JSON reads from a local reactor-netty server on 127.0.0.1 serving geonames-cities.json
 * (171,075 objects) whole, and in pages of 1,000 with a {@code next} link; the rows/s of sdk-http
 * ({@code streamArray}, {@code Pagination}) against Jackson decoding the same bytes in memory.
 */
public final class RestScenario {

    static final int PAGE_SIZE = 1_000;
    private static final String BASELINE = "Jackson, bytes in memory (baseline)";

    /** A city as the JSON has it (coordinates are strings there). */
    public record City(String name, String lat, String lng, String country, String admin1, String admin2) {
    }

    /** A page of the paged endpoint. */
    public record Page(List<City> values, String next) {
    }

    private final RunSettings settings;
    private final Path json;

    /**
     * @param settings durations and rounds
     * @param json     geonames-cities.json
     */
    public RestScenario(RunSettings settings, Path json) {
        this.settings = settings;
        this.json = json;
    }

    private record Reader(String name, LongSupplier read) {
    }

    /**
     * Serves the data, runs the readers and adds the table.
     *
     * @param report where the table goes
     */
    public void run(Report report) {
        ObjectMapper mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        byte[] whole;
        List<byte[]> pages = new ArrayList<>();
        try {
            whole = Files.readAllBytes(this.json);
            List<City> cities = mapper.readValue(whole, new TypeReference<List<City>>() { });
            for (int from = 0, page = 1; from < cities.size(); from += PAGE_SIZE, page++) {
                int to = Math.min(cities.size(), from + PAGE_SIZE);
                pages.add(mapper.writeValueAsBytes(new Page(cities.subList(from, to), to < cities.size() ? "/cities/pages?page=" + (page + 1) : null)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + this.json, e);
        }
        long expected = (long) (pages.size() - 1) * PAGE_SIZE + countIn(mapper, pages.get(pages.size() - 1));
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .get("/cities", (req, res) -> res.header(HttpHeaderNames.CONTENT_TYPE, "application/json").sendByteArray(Mono.just(whole)))
                        .get("/cities/pages", (req, res) -> {
                            String query = req.uri().substring(req.uri().indexOf('?') + 1);
                            int page = Integer.parseInt(query.substring(query.indexOf('=') + 1));
                            return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json").sendByteArray(Mono.just(pages.get(page - 1)));
                        }))
                .bindNow();
        String base = "http://127.0.0.1:" + server.port();
        HttpServiceClient client = HttpServiceClient.builder().baseUrl(base).objectMapper(mapper).build();
        HttpClient netty = HttpClient.create().baseUrl(base);
        report.add("## 6. REST: JSON reads from a local server\n\n"
                + "A reactor-netty server on 127.0.0.1 serves geonames-cities.json (" + String.format("%,d", expected) + " objects, "
                + figure(whole.length / 1e6) + " MB) as one array, and in pages of " + String.format("%,d", PAGE_SIZE) + " with a `next` "
                + "link (" + pages.size() + " requests). Each reader decodes every object into a record. Baseline: Jackson decoding the "
                + "same bytes already in memory (`readValues`), no HTTP. Each round repeats the read for " + figure(this.settings.duration()
                .toMillis() / 1000.0) + " s; " + this.settings.rounds() + " rounds after a warm-up.");
        List<Reader> readers = List.of(
                new Reader(BASELINE, () -> countIn(mapper, whole)),
                new Reader("Tributary `streamArray` (whole array, incremental)", () -> client.get("/cities").streamArray("", City.class)
                        .count().block(Duration.ofMinutes(2))),
                new Reader("Tributary `Pagination` (page by page)", () -> Pagination.of(client.get("/cities/pages").query("page", 1),
                        Page.class, Page::next, Page::values).items().count().block(Duration.ofMinutes(2))),
                new Reader("Tributary `Pagination.prefetchOnePage()`", () -> Pagination.of(client.get("/cities/pages").query("page", 1),
                        Page.class, Page::next, Page::values).prefetchOnePage().items().count().block(Duration.ofMinutes(2))),
                new Reader("reactor-netty, body aggregated, then Jackson", () -> netty.get().uri("/cities").responseContent().aggregate()
                        .asByteArray().map(bytes -> countIn(mapper, bytes)).block(Duration.ofMinutes(2))));
        try {
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (Reader r : readers) {
                progress("rest warm-up " + r.name());
                rate(r, expected, this.settings.warmup());
                rates.put(r.name(), new ArrayList<>());
            }
            for (int round = 0; round < this.settings.rounds(); round++) {
                for (Reader r : readers) {
                    progress("rest round " + (round + 1) + " " + r.name());
                    rates.get(r.name()).add(rate(r, expected, this.settings.duration()));
                }
            }
            double baseline = new Rounds(rates.get(BASELINE)).median();
            MarkdownTable table = new MarkdownTable("reader", "#rows/s", "#vs Jackson in memory", "#rows/s min / median / max (rounds)");
            rates.forEach((name, values) -> {
                Rounds r = new Rounds(values);
                table.row(name, figure(r.median()), ratio(r.median(), baseline), noise(r));
            });
            report.add(table.render());
        } finally {
            client.close();
            server.disposeNow();
        }
    }

    private static double rate(Reader reader, long expected, Duration duration) {
        long t0 = System.nanoTime();
        long deadline = t0 + duration.toNanos();
        long rows = 0;
        do {
            long read = reader.read().getAsLong();
            if (read != expected) {
                throw new IllegalStateException(reader.name() + " read " + read + " objects instead of " + expected);
            }
            rows += read;
        } while (System.nanoTime() < deadline);
        return rows * 1e9 / (System.nanoTime() - t0);
    }

    private static long countIn(ObjectMapper mapper, byte[] bytes) {
        try {
            if (bytes.length > 0 && bytes[0] == '{') {
                return mapper.readValue(bytes, Page.class).values().size();
            }
            long n = 0;
            try (MappingIterator<City> cities = mapper.readerFor(City.class).readValues(bytes)) {
                while (cities.hasNext()) {
                    cities.next();
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void progress(String what) {
        System.err.println("[bench] " + java.time.LocalTime.now().withNano(0) + " " + what);
    }
}
