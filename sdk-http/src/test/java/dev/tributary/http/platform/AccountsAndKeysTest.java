package dev.tributary.http.platform;

import dev.tributary.http.HttpUnauthorizedException;
import dev.tributary.testkit.netty.NettyLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NettyLeakCheck.class)
class AccountsAndKeysTest {

    private static final String ACCOUNT = "9a8b7c6d-0000-4000-8000-00000000000a";
    private static final String NEW_KEY = "v2_fresh_key_abcdefghijklmnopqrstuvwxyz";
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static WireServer server;
    private static PlatformClient platform;

    @BeforeAll
    static void start() {
        server = WireServer.start((request, response) -> {
            String answer = ANSWERS.getOrDefault(request.method() + " " + request.uri(),
                    "401 {\"detail\":\"Invalid API key\",\"uuid\":\"66666666-0000-4000-8000-000000000401\"}");
            int space = answer.indexOf(' ');
            return WireServer.json(response, Integer.parseInt(answer.substring(0, space)), answer.substring(space + 1));
        });
        platform = PlatformClient.builder().baseUrl(server.baseUrl()).apiKey(Fixtures.KEY).build();
    }

    @AfterAll
    static void stop() {
        platform.closeLater().block(Duration.ofSeconds(5));
        server.close();
    }

    @BeforeEach
    void reset() {
        ANSWERS.clear();
        server.seen().clear();
    }

    @Test
    void listsGetsAndIssuesAndRevokesKeysOfServiceAccounts() {
        ANSWERS.put("GET /v2beta/service-account/", "200 {\"service_accounts\":[" + Fixtures.serviceAccount(ACCOUNT) + "]}");
        ANSWERS.put("GET /v2beta/service-account/" + ACCOUNT, "200 " + Fixtures.serviceAccount(ACCOUNT));
        ANSWERS.put("POST /v2beta/service-account/" + ACCOUNT + "/api-key/", "200 {\"api_key\":\"" + NEW_KEY + "\",\"username\":\"etl\"}");
        ANSWERS.put("DELETE /v2beta/service-account/" + ACCOUNT + "/api-key/", "200 {}");
        UUID id = UUID.fromString(ACCOUNT);

        ServiceAccount listed = platform.serviceAccounts().list().single().block();
        assertThat(listed.name()).isEqualTo("etl");
        assertThat(listed.role()).isEqualTo(Role.WRITER);
        assertThat(listed.databases()).extracting(ServiceAccount.DatabaseRef::name).containsExactly("alice/demo");
        assertThat(platform.serviceAccounts().get(id).block().activeTokenCount()).isEqualTo(1);
        ApiKey key = platform.serviceAccounts().createKey(id).block();
        assertThat(key.apiKey()).isEqualTo(NEW_KEY);
        assertThat(key.toString()).doesNotContain(NEW_KEY);
        platform.serviceAccounts().revokeKeys(id).block();

        assertThat(server.seen()).extracting(s -> s.method() + " " + s.uri()).containsExactly(
                "GET /v2beta/service-account/", "GET /v2beta/service-account/" + ACCOUNT,
                "POST /v2beta/service-account/" + ACCOUNT + "/api-key/", "DELETE /v2beta/service-account/" + ACCOUNT + "/api-key/");
    }

    @Test
    void issuesAndRevokesTheCallersKeys() {
        ANSWERS.put("POST /v2beta/api-key/", "200 {\"api_key\":\"" + NEW_KEY + "\",\"username\":\"alice\"}");
        ANSWERS.put("DELETE /v2beta/api-key/?api_key=" + NEW_KEY, "200 {}");
        ANSWERS.put("DELETE /v2beta/api-key/", "200 {}");

        ApiKey key = platform.apiKeys().create().block();
        assertThat(key.username()).isEqualTo("alice");
        platform.apiKeys().revoke(key.apiKey()).block();
        platform.apiKeys().revokeAll().block();

        assertThat(server.seen()).extracting(s -> s.method() + " " + s.uri()).containsExactly(
                "POST /v2beta/api-key/", "DELETE /v2beta/api-key/?api_key=" + NEW_KEY, "DELETE /v2beta/api-key/");
    }

    @Test
    void neverShowsARevokedKeyInTheErrorOfItsRevocation() {
        assertThatThrownBy(() -> platform.apiKeys().revoke(NEW_KEY).block())
                .isInstanceOf(HttpUnauthorizedException.class)
                .hasMessageContaining("api_key=REDACTED")
                .hasMessageNotContaining(NEW_KEY)
                .hasMessageNotContaining(Fixtures.KEY);
        assertThatThrownBy(() -> platform.apiKeys().revoke(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
