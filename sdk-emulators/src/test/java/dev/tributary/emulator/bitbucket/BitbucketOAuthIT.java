package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.emulator.bitbucket.BitbucketHttp.Answer;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class BitbucketOAuthIT {

    private static final SettableClock CLOCK = SettableClock.at(Instant.parse("2026-05-04T10:00:00Z"));
    private static final String CALLBACK = "http://localhost:33333/callback";
    private static BitbucketEmulator bb;
    private static BitbucketHttp consumer;

    @BeforeAll
    static void start() {
        bb = BitbucketEmulator.builder().clock(CLOCK).accessTokenLifetime(Duration.ofSeconds(600))
                .authorizationCodeLifetime(Duration.ofSeconds(30)).build().start();
        bb.seedUser("alice", "Alice Liddell", "alice@example.com");
        bb.seedUser("robot", "Robot", "robot@example.com");
        bb.seedOAuthConsumer("key-1", "secret-1", CALLBACK, "alice");
        bb.seedOAuthConsumer("key-2", "secret-2", "http://localhost:44444/", "robot");
        consumer = BitbucketHttp.basic("key-1", "secret-1");
    }

    @AfterAll
    static void stop() {
        bb.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode grant(BitbucketHttp client, String form) {
        Answer a = client.form(bb.tokenUrl(), form);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json();
    }

    @Test
    void grantsClientCredentialsWithoutRefreshTokenUntilTheTokenExpires() {
        long before = bb.tokenGrants("client_credentials");
        JsonNode token = grant(consumer, "grant_type=client_credentials");
        assertThat(token.get("token_type").asText()).isEqualTo("bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(600);
        assertThat(token.get("state").asText()).isEqualTo("client_credentials");
        assertThat(token.get("scopes").asText()).contains("issue:write");
        assertThat(token.has("refresh_token")).isFalse();
        assertThat(bb.tokenGrants("client_credentials")).isEqualTo(before + 1);

        BitbucketHttp api = BitbucketHttp.bearer(token.get("access_token").asText());
        assertThat(api.get(bb.baseUrl() + "/user").json().get("nickname").asText()).isEqualTo("alice");
        CLOCK.advance(Duration.ofSeconds(599));
        assertThat(api.get(bb.baseUrl() + "/user").status()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(1));
        Answer expired = api.get(bb.baseUrl() + "/user");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().at("/error/message").asText()).contains("expired");
    }

    @Test
    void rotatesRefreshTokensOnEveryUseAndRejectsAUsedOne() {
        String code = authorize("key-1", "xyz").code;
        JsonNode first = grant(consumer, "grant_type=authorization_code&code=" + enc(code));
        String refresh1 = first.get("refresh_token").asText();
        assertThat(first.get("state").asText()).isEqualTo("authorization_code");

        long refreshes = bb.tokenGrants("refresh_token");
        JsonNode second = grant(consumer, "grant_type=refresh_token&refresh_token=" + enc(refresh1));
        String refresh2 = second.get("refresh_token").asText();
        assertThat(refresh2).isNotEqualTo(refresh1);
        assertThat(second.get("access_token").asText()).isNotEqualTo(first.get("access_token").asText());
        assertThat(bb.tokenGrants("refresh_token")).isEqualTo(refreshes + 1);

        Answer reused = consumer.form(bb.tokenUrl(), "grant_type=refresh_token&refresh_token=" + enc(refresh1));
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(reused.json().get("error_description").asText()).isNotBlank();
        assertThat(bb.tokenGrants("refresh_token")).as("failures are not grants").isEqualTo(refreshes + 1);

        Answer otherConsumer = BitbucketHttp.basic("key-2", "secret-2").form(bb.tokenUrl(), "grant_type=refresh_token&refresh_token=" + enc(refresh2));
        assertThat(otherConsumer.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(grant(consumer, "grant_type=refresh_token&refresh_token=" + enc(refresh2)).has("refresh_token")).isTrue();
    }

    private record Redirect(String location, String code, String state) {
    }

    private static Redirect authorize(String clientId, String state) {
        Answer a = BitbucketHttp.anonymous().get(bb.authorizeUrl() + "?client_id=" + clientId + "&response_type=code&state=" + enc(state));
        assertThat(a.status()).as(a.toString()).isEqualTo(302);
        String location = a.header("Location");
        QueryStringDecoder d = new QueryStringDecoder(location);
        return new Redirect(location, d.parameters().containsKey("code") ? d.parameters().get("code").get(0) : null,
                d.parameters().containsKey("state") ? d.parameters().get("state").get(0) : null);
    }

    @Test
    void approvesAuthorizationRequestsByRedirectingToTheCallbackWithASingleUseCode() {
        Redirect r = authorize("key-1", "s t&ate");
        assertThat(r.location()).startsWith(CALLBACK + "?code=");
        assertThat(r.state()).isEqualTo("s t&ate");
        assertThat(r.code()).isNotBlank();
        JsonNode token = grant(consumer, "grant_type=authorization_code&code=" + enc(r.code()));
        assertThat(BitbucketHttp.bearer(token.get("access_token").asText()).get(bb.baseUrl() + "/user").json().get("nickname").asText())
                .isEqualTo("alice");
        Answer again = consumer.form(bb.tokenUrl(), "grant_type=authorization_code&code=" + enc(r.code()));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error").asText()).isEqualTo("invalid_grant");

        Redirect late = authorize("key-1", "late");
        CLOCK.advance(Duration.ofSeconds(31));
        assertThat(consumer.form(bb.tokenUrl(), "grant_type=authorization_code&code=" + enc(late.code())).json().get("error_description").asText())
                .contains("expired");

        Redirect withRedirect = new Redirect(BitbucketHttp.anonymous().get(bb.authorizeUrl() + "?client_id=key-1&response_type=code&redirect_uri="
                + enc(CALLBACK + "/deeper")).header("Location"), null, null);
        assertThat(withRedirect.location()).startsWith(CALLBACK + "/deeper?code=");
        assertThat(BitbucketHttp.anonymous().get(bb.authorizeUrl() + "?client_id=key-1&response_type=code&redirect_uri=" + enc("http://evil/"))
                .status()).isEqualTo(400);
        assertThat(BitbucketHttp.anonymous().get(bb.authorizeUrl() + "?client_id=key-1&response_type=token&state=a").header("Location"))
                .isEqualTo(CALLBACK + "?error=unsupported_response_type&state=a");
    }

    @Test
    void answersTokenErrorsInTheOAuthShape() {
        Answer badSecret = BitbucketHttp.basic("key-1", "wrong").form(bb.tokenUrl(), "grant_type=client_credentials");
        assertThat(badSecret.status()).isEqualTo(401);
        assertThat(badSecret.json().get("error").asText()).isEqualTo("invalid_client");
        assertThat(badSecret.body()).doesNotContain("wrong");
        Answer unsupported = consumer.form(bb.tokenUrl(), "grant_type=password&username=a&password=b");
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.json().get("error").asText()).isEqualTo("unsupported_grant_type");
        assertThat(consumer.form(bb.tokenUrl(), "").json().get("error").asText()).isEqualTo("invalid_request");
        Answer formClient = BitbucketHttp.anonymous().form(bb.tokenUrl(), "grant_type=client_credentials&client_id=key-2&client_secret=secret-2");
        assertThat(formClient.status()).isEqualTo(200);
        assertThat(BitbucketHttp.bearer(formClient.json().get("access_token").asText()).get(bb.baseUrl() + "/user").json().get("nickname").asText())
                .isEqualTo("robot");
    }
}
