package dev.tributary.http.bitbucket;

import dev.tributary.http.auth.Auth;
import dev.tributary.http.auth.AuthorizationCodeFlow;
import dev.tributary.http.auth.TokenStore;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BitbucketAuthTest {

    @Test
    void apiTokensAreBasicWithTheAccountEmail() {
        Auth auth = BitbucketAuth.apiToken("alice@example.com", () -> "ATATT3xFfGF0-secret");
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice@example.com:ATATT3xFfGF0-secret"
                .getBytes(StandardCharsets.UTF_8));
        StepVerifier.create(auth.authorization()).expectNext(expected).verifyComplete();
        assertThat(auth.toString()).isEqualTo("BitbucketAuth.apiToken(Auth.basic(alice@example.com, REDACTED))");
        assertThat(BitbucketAuth.unauthorizedHint(auth)).contains(BitbucketAuth.APP_PASSWORDS_REMOVED);
    }

    @Test
    void aUsernameInsteadOfAnEmailExplainsThatAppPasswordsAreGone() {
        assertThatThrownBy(() -> BitbucketAuth.apiToken("alice", () -> "app-password"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'alice' is not an e-mail address")
                .hasMessageContaining("app passwords stopped working on 2026-06-09")
                .hasMessageContaining("API token")
                .hasMessageNotContaining("app-password");
        assertThat(BitbucketAuth.APP_PASSWORDS_REMOVED).contains("e-mail address");
    }

    @Test
    void accessTokensAreBearerWithoutTheAppPasswordHint() {
        Auth auth = BitbucketAuth.accessToken("ATCTT3x-secret");
        StepVerifier.create(auth.authorization()).expectNext("Bearer ATCTT3x-secret").verifyComplete();
        StepVerifier.create(BitbucketAuth.accessToken(() -> "ATCTT3x-2").authorization()).expectNext("Bearer ATCTT3x-2").verifyComplete();
        assertThat(BitbucketAuth.unauthorizedHint(auth)).isEmpty();
        assertThat(auth.toString()).doesNotContain("secret");
    }

    @Test
    void oauthPresetsUseBitbucketsEndpoints() {
        assertThat(BitbucketAuth.tokenEndpoint("key", () -> "secret").build().getTokenUrl())
                .isEqualTo(URI.create("https://bitbucket.org/site/oauth2/access_token"));
        assertThat(BitbucketAuth.oauth2ClientCredentials("key", "secret").toString())
                .isEqualTo("OAuth2Auth.clientCredentials(https://bitbucket.org/site/oauth2/access_token, clientId=key)");
        AuthorizationCodeFlow flow = BitbucketAuth.authorizationCode("key", "secret", 33333, TokenStore.inMemory());
        assertThat(flow.toString()).startsWith("AuthorizationCodeFlow{https://bitbucket.org/site/oauth2/authorize, ")
                .contains("callbackPort=33333").doesNotContain("PKCE").doesNotContain("=secret");
        assertThat(BitbucketAuth.oauth2RefreshToken("key", "secret", TokenStore.inMemory()).toString())
                .startsWith("OAuth2Auth.refreshToken(https://bitbucket.org/site/oauth2/access_token");
        assertThatThrownBy(() -> BitbucketAuth.oauth2ClientCredentials("key", " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
