package dev.tributary.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlTemplatesTest {

    @Test
    void encodesEachVariableAsOnePathSegment() {
        assertThat(UrlTemplates.expand("/db/{user}/{db}", new Object[]{"alice", "my db/2"}))
                .isEqualTo("/db/alice/my%20db%2F2");
        assertThat(UrlTemplates.expand("/x/{v}", new Object[]{"é?#&="})).isEqualTo("/x/%C3%A9%3F%23&=");
    }

    @Test
    void rejectsMismatchedPlaceholdersNamingTheTemplate() {
        assertThatThrownBy(() -> UrlTemplates.expand("/db/{user}/{db}", new Object[]{"alice"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/db/{user}/{db}");
        assertThatThrownBy(() -> UrlTemplates.expand("/db/{user}", new Object[]{"alice", "extra"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 placeholder(s) but 2 value(s)");
        assertThatThrownBy(() -> UrlTemplates.expand("/db/{user", new Object[]{"alice"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unclosed");
    }

    @Test
    void encodesQueryComponentsStrictly() {
        assertThat(UrlTemplates.encodeQueryComponent("a b&c=d+e/é")).isEqualTo("a%20b%26c%3Dd%2Be%2F%C3%A9");
    }

    @Test
    void comparesOriginsWithDefaultPorts() {
        URI base = URI.create("https://api.bit.io/v2beta");
        assertThat(UrlTemplates.sameOrigin(base, URI.create("https://API.bit.io:443/v2beta/db/"))).isTrue();
        assertThat(UrlTemplates.sameOrigin(base, URI.create("http://api.bit.io/v2beta/db/"))).isFalse();
        assertThat(UrlTemplates.sameOrigin(base, URI.create("https://api.bit.io:8443/"))).isFalse();
        assertThat(UrlTemplates.sameOrigin(base, URI.create("https://storage.bit.io/export.csv"))).isFalse();
    }

    @Test
    void recognisesLoopbackWithoutLookingItUp() {
        assertThat(UrlTemplates.isLoopback("127.0.0.1")).isTrue();
        assertThat(UrlTemplates.isLoopback("localhost")).isTrue();
        assertThat(UrlTemplates.isLoopback("[::1]")).isTrue();
        assertThat(UrlTemplates.isLoopback("api.bit.io")).isFalse();
        assertThat(UrlTemplates.isLoopback("127.example.com")).isFalse();
    }

    @Test
    void redactsSensitiveQueryValuesAndUserInformation() {
        var sensitive = HttpServiceClient.DEFAULT_SENSITIVE_QUERY_PARAMETERS;
        assertThat(UrlRedaction.redact("https://api.bit.io/v2beta/api-key/?api_key=v2_secret&x=1", sensitive))
                .isEqualTo("https://api.bit.io/v2beta/api-key/?api_key=REDACTED&x=1");
        assertThat(UrlRedaction.redact("https://s3.example/f.csv?X-Amz-Credential=AKIA&X-Amz-Signature=abc&X-Amz-Expires=60", sensitive))
                .isEqualTo("https://s3.example/f.csv?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Expires=60");
        assertThat(UrlRedaction.redact("https://me:pw@host/path?Access%5FToken=t#frag", sensitive))
                .isEqualTo("https://REDACTED@host/path?Access%5FToken=REDACTED#REDACTED");
        assertThat(UrlRedaction.redact("https://host/no-query", sensitive)).isEqualTo("https://host/no-query");
    }

    @Test
    void addsQueryParametersToTheUrlAndRedactsConfiguredOnes() {
        HttpServiceClient client = HttpServiceClient.builder().baseUrl("https://api.bit.io/v2beta")
                .sensitiveQueryParameters("session").build();
        try {
            URI url = client.withQuery(URI.create("https://api.bit.io/v2beta/db/?a=1"),
                    List.of(Map.entry("session", "s e"), Map.entry("q", "x&y")));
            assertThat(url.toString()).isEqualTo("https://api.bit.io/v2beta/db/?a=1&session=s%20e&q=x%26y");
            assertThat(client.redact(url.toString())).isEqualTo("https://api.bit.io/v2beta/db/?a=1&session=REDACTED&q=x%26y");
        } finally {
            client.close();
        }
    }
}
