package dev.tributary.http.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FileTokenStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    @Test
    void savesAndLoadsTokensAsJsonReadableOnlyByTheOwner() throws Exception {
        Path file = this.directory.resolve("nested/dir/bitbucket.json");
        TokenStore store = TokenStore.file(file);
        StepVerifier.create(store.load()).verifyComplete(); // no file yet: empty
        Tokens tokens = Tokens.of("at-1", "rt-1", Instant.parse("2026-11-22T02:00:00Z"), "repository issue");
        store.save(tokens).block(WAIT);
        assertThat(store.load().block(WAIT)).isEqualTo(tokens);
        assertThat(TokenStore.file(file).load().block(WAIT)).isEqualTo(tokens); // another instance, as after a restart
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("{\"access_token\":\"at-1\",\"refresh_token\":\"rt-1\","
                + "\"expires_at\":\"2026-11-22T02:00:00Z\",\"scope\":\"repository issue\"}");
        Tokens refreshOnly = Tokens.ofRefreshToken("rt-2");
        store.save(refreshOnly).block(WAIT);
        assertThat(store.load().block(WAIT)).isEqualTo(refreshOnly);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void readersNeverSeeATornFileWhileItIsReplaced() throws Exception {
        Path file = this.directory.resolve("tokens.json");
        TokenStore store = TokenStore.file(file);
        String padding = "x".repeat(20_000); // large enough that a non-atomic write could be seen half done
        store.save(Tokens.of("at-0", "rt-0" + padding, null, null)).block(WAIT);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (writing.get()) {
                Tokens seen = TokenStore.file(file).load().block(WAIT);
                String access = seen.accessToken().orElseThrow();
                assertThat(seen.refreshToken()).contains("rt-" + access.substring(3) + padding);
                reads.incrementAndGet();
            }
        });
        Flux.range(1, 200).concatMap(i -> store.save(Tokens.of("at-" + i, "rt-" + i + padding, null, null))).blockLast(WAIT);
        writing.set(false);
        reader.get(10, TimeUnit.SECONDS);
        assertThat(reads.get()).isPositive();
        assertThat(store.load().block(WAIT).accessToken()).contains("at-200");
    }

    @Test
    void aCorruptFileIsATypedErrorThatDoesNotQuoteItsContent() throws Exception {
        Path file = this.directory.resolve("tokens.json");
        Files.writeString(file, "{\"refresh_token\": \"rt-secret-value\", oops", StandardCharsets.UTF_8);
        StepVerifier.create(TokenStore.file(file).load())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining(file.toString()).hasMessageContaining("authorize again")
                        .hasMessageNotContaining("rt-secret-value"))
                .verify(WAIT);
    }

    @Test
    void theInMemoryStoreKeepsTheLastSave() {
        TokenStore store = TokenStore.inMemory(Tokens.ofRefreshToken("rt-1"));
        assertThat(store.load().block(WAIT)).isEqualTo(Tokens.ofRefreshToken("rt-1"));
        Mono.when(store.save(Tokens.ofRefreshToken("rt-2"))).block(WAIT);
        assertThat(store.load().block(WAIT).refreshToken()).contains("rt-2");
        StepVerifier.create(TokenStore.inMemory().load()).verifyComplete();
        assertThat(List.of(store.toString(), TokenStore.file(this.directory.resolve("t.json")).toString()))
                .allSatisfy(s -> assertThat(s).doesNotContain("rt-"));
    }
}
