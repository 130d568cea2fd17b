package dev.tributary.http.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.emulator.bitbucket.SettableClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token responses read and expiry computed on an injected clock, without a server. */
class TokensTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-11-22T00:00:00Z"));
    private final TokenEndpoint endpoint = TokenEndpoint.builder().tokenUrl("https://bitbucket.org/site/oauth2/access_token")
            .clientId("key").clientSecret("secret").clock(this.clock).objectMapper(new ObjectMapper()).build();

    @Test
    void readsBitbucketsTokenResponseWithExpiryOnTheClock() {
        Tokens tokens = this.endpoint.interpret("refresh_token", 200, "{\"access_token\": \"at\", \"scopes\": \"repository issue\","
                + " \"expires_in\": 7200, \"refresh_token\": \"rt\", \"token_type\": \"bearer\", \"state\": \"refresh_token\"}");
        assertThat(tokens).isEqualTo(Tokens.of("at", "rt", Instant.parse("2026-11-22T02:00:00Z"), "repository issue"));
        assertThat(tokens.isUsableAt(this.clock.instant().plusSeconds(7139), Duration.ofSeconds(60))).isTrue();
        assertThat(tokens.isUsableAt(this.clock.instant().plusSeconds(7140), Duration.ofSeconds(60))).isFalse();
        assertThat(tokens.bearer()).isEqualTo("Bearer at");
    }

    @Test
    void readsRfc6749ResponsesWithStringExpiryOrNone() {
        Tokens stringExpiry = this.endpoint.interpret("client_credentials", 200,
                "{\"access_token\": \"at\", \"token_type\": \"Bearer\", \"expires_in\": \"60\", \"scope\": \"a b\"}");
        assertThat(stringExpiry.expiresAt()).contains(Instant.parse("2026-11-22T00:01:00Z"));
        assertThat(stringExpiry.refreshToken()).isEmpty();
        assertThat(stringExpiry.scope()).contains("a b");
        Tokens noExpiry = this.endpoint.interpret("client_credentials", 200, "{\"access_token\": \"at\"}");
        assertThat(noExpiry.expiresAt()).isEmpty();
        assertThat(noExpiry.isUsableAt(Instant.MAX.minusSeconds(3600), Duration.ofSeconds(60))).isTrue();
    }

    @Test
    void errorResponsesBecomeTypedExceptions() {
        assertThatThrownBy(() -> this.endpoint.interpret("authorization_code", 400,
                "{\"error\": \"invalid_grant\", \"error_description\": \"The code has expired\"}"))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e).hasMessage("Token request (grant_type=authorization_code) to https://bitbucket.org/site/oauth2/access_token"
                            + " failed: 400 invalid_grant: The code has expired. The authorization code is invalid, expired or"
                            + " already used: authorize again");
                    assertThat(e.isReauthorizationRequired()).isTrue();
                    assertThat(e.getTokenUrl()).isEqualTo(URI.create("https://bitbucket.org/site/oauth2/access_token"));
                });
        assertThatThrownBy(() -> this.endpoint.interpret("client_credentials", 400, "{\"error\": \"unauthorized_client\"}"))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.isReauthorizationRequired()).isFalse();
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e).hasMessageContaining("400 unauthorized_client. The client may not use this grant type");
                });
        assertThatThrownBy(() -> this.endpoint.interpret("client_credentials", 502, "<html>Bad gateway</html>"))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getError()).isEmpty();
                    assertThat(e).hasMessageEndingWith("failed: 502: <html>Bad gateway</html>");
                });
        assertThatThrownBy(() -> this.endpoint.interpret("client_credentials", 200, "{\"token_type\": \"bearer\"}"))
                .isInstanceOf(TokenRequestException.class).hasMessageContaining("no access_token");
        assertThatThrownBy(() -> this.endpoint.interpret("client_credentials", 200, "{\"access_token\": \"a\", \"token_type\": \"mac\"}"))
                .isInstanceOf(TokenRequestException.class).hasMessageContaining("token_type mac is not supported");
        assertThatThrownBy(() -> this.endpoint.interpret("client_credentials", 200, "not json"))
                .isInstanceOf(TokenRequestException.class).hasMessageContaining("not a JSON token response");
    }

    @Test
    void aRefreshWithoutANewRefreshTokenKeepsTheOldOne() {
        Tokens answer = Tokens.of("at-2", null, null, null);
        assertThat(answer.keepingRefreshTokenOf(Tokens.ofRefreshToken("rt-1")).refreshToken()).contains("rt-1");
        assertThat(Tokens.of("at-2", "rt-2", null, null).keepingRefreshTokenOf(Tokens.ofRefreshToken("rt-1")).refreshToken())
                .contains("rt-2");
    }

    @Test
    void formBodiesAreFormEncoded() {
        assertThat(TokenEndpoint.formBody(Map.of("scope", "a b+c&d"))).isEqualTo("scope=a+b%2Bc%26d");
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        assertThatThrownBy(() -> Tokens.of(null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tokens.ofRefreshToken(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenEndpoint.builder().tokenUrl("http://auth.example.com/token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be https");
        assertThatThrownBy(() -> TokenEndpoint.builder().tokenUrl("https://auth.example.com/token").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("TokenEndpoint needs clientId");
        assertThat(TokenEndpoint.builder().tokenUrl("http://localhost:8080/token").clientId("k").build().getTokenUrl())
                .hasPort(8080);
        assertThatThrownBy(() -> OAuth2Auth.clientCredentials(this.endpoint).scopes("a b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthorizationCodeFlow.builder(this.endpoint, URI.create("https://bitbucket.org/site/oauth2/authorize"))
                .callbackPort(33333).redirectUri(URI.create("http://127.0.0.1:4444/")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callback port 33333");
    }
}
