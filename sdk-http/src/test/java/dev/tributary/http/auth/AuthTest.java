package dev.tributary.http.auth;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthTest {

    @Test
    void readsARotatingKeyOnEveryRequest() {
        AtomicReference<String> key = new AtomicReference<>("v2_first");
        Auth auth = Auth.bearer(key::get);
        StepVerifier.create(auth.authorization()).expectNext("Bearer v2_first").verifyComplete();
        key.set("v2_second");
        StepVerifier.create(auth.authorization()).expectNext("Bearer v2_second").verifyComplete();
    }

    @Test
    void anUnsetEnvironmentVariableIsATypedErrorNamingIt() {
        Auth auth = EnvironmentAuth.bearer("TRIBUTARY_API_KEY", Map.<String, String>of()::get);
        StepVerifier.create(auth.authorization())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CredentialsUnavailableException.class)
                        .hasMessage("The environment variable TRIBUTARY_API_KEY is not set (or blank): set it to the API key"))
                .verify(Duration.ofSeconds(5));
        Auth set = EnvironmentAuth.bearer("TRIBUTARY_API_KEY", Map.of("TRIBUTARY_API_KEY", " v2_abc\n")::get);
        StepVerifier.create(set.authorization()).expectNext("Bearer v2_abc").verifyComplete();
    }

    @Test
    void theRealEnvironmentIsReadOnEachSubscription() {
        // PATH is set wherever tests run; an unlikely name is not
        StepVerifier.create(Auth.bearerFromEnvironment("PATH").authorization())
                .expectNextMatches(value -> value.startsWith("Bearer ")).verifyComplete();
        StepVerifier.create(Auth.bearerFromEnvironment("TRIBUTARY_TEST_SURELY_UNSET_4711").authorization())
                .expectError(CredentialsUnavailableException.class).verify(Duration.ofSeconds(5));
    }

    @Test
    void neverShowsASecretInToStringOrErrors() {
        assertThat(Auth.bearer("v2_supersecret").toString()).doesNotContain("supersecret").contains("REDACTED");
        assertThat(Auth.bearer(() -> "v2_supersecret").toString()).doesNotContain("supersecret");
        assertThat(Auth.bearerFromEnvironment("TRIBUTARY_API_KEY").toString()).isEqualTo("Auth.bearerFromEnvironment(TRIBUTARY_API_KEY)");
        assertThat(Auth.basic("me@example.com", () -> "ATATT-secret").toString()).isEqualTo("Auth.basic(me@example.com, REDACTED)");
        StepVerifier.create(Auth.bearer(() -> " ").authorization())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CredentialsUnavailableException.class)
                        .hasMessage("No bearer token: a supplier returned none"))
                .verify(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Auth.bearer("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodesBasicCredentialsAsUtf8() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("mé@example.com:tok:en".getBytes(StandardCharsets.UTF_8));
        StepVerifier.create(Auth.basic("mé@example.com", () -> "tok:en").authorization()).expectNext(expected).verifyComplete();
        assertThatThrownBy(() -> Auth.basic("a:b", () -> "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noAuthSendsNoHeaderAndRefusesToRefresh() {
        StepVerifier.create(Auth.none().authorization()).verifyComplete();
        StepVerifier.create(Auth.none().refreshAfterUnauthorized(null)).expectNext(false).verifyComplete();
    }
}
