package dev.tributary.r2dbc.clickhouse;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseConnectionConfigurationTest {

    @Test
    void defaultsFollowTheTable() {
        ClickHouseConnectionConfiguration c = ClickHouseConnectionConfiguration.builder().host("ch.example").build();
        assertThat(c.port()).isEqualTo(8123);
        assertThat(c.ssl()).isFalse();
        assertThat(c.database()).isEqualTo("default");
        assertThat(c.username()).isEqualTo("default");
        assertThat(c.hasPassword()).isFalse();
        assertThat(c.compression()).isTrue();
        assertThat(c.session()).isFalse();
        assertThat(c.hostnameVerification()).isTrue();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.responseTimeout()).isNull();
        assertThat(c.serverSideParameters()).isEqualTo(ClickHouseConnectionConfiguration.ServerSideParameters.AUTO);
        assertThat(c.authentication()).isEqualTo(ClickHouseConnectionConfiguration.Authentication.BASIC);
        assertThat(ClickHouseConnectionConfiguration.builder().host("h").ssl(true).build().port()).isEqualTo(8443);
        assertThat(ClickHouseConnectionConfiguration.builder().host("h").ssl(true).port(8123).build().port()).isEqualTo(8123);
    }

    @Test
    void toStringRedactsThePasswordAndToBuilderKeepsEverything() {
        ClickHouseConnectionConfiguration c = ClickHouseConnectionConfiguration.builder().host("h").username("u").password("top-secret")
                .setting("virtual_warehouse", "vw-1").session(true).build();
        assertThat(c.toString()).doesNotContain("top-secret").contains("REDACTED").contains("virtual_warehouse=vw-1");
        ClickHouseConnectionConfiguration copy = c.toBuilder().database("other").build();
        assertThat(copy.password()).isEqualTo("top-secret");
        assertThat(copy.settings()).containsEntry("virtual_warehouse", "vw-1");
        assertThat(copy.session()).isTrue();
        assertThat(copy.database()).isEqualTo("other");
    }

    @Test
    void refusesSettingsTheDriverSendsItselfAndMalformedNames() {
        ClickHouseConnectionConfiguration.Builder b = ClickHouseConnectionConfiguration.builder();
        assertThatThrownBy(() -> b.setting("compress", "1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty body");
        assertThatThrownBy(() -> b.setting("password", "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> b.setting("query_id", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.setting("param_p1", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.setting("bad name", "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
    }

    @Test
    void refusesBadArgumentsAndConflictingCombinations() {
        assertThatThrownBy(() -> ClickHouseConnectionConfiguration.builder().build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> ClickHouseConnectionConfiguration.builder().host("http://h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseConnectionConfiguration.builder().port(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseConnectionConfiguration.builder().connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseConnectionConfiguration.builder().password("a\nb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("a\nb");
        assertThatThrownBy(() -> ClickHouseConnectionConfiguration.builder().host("h").trustedCertificates(Path.of("ca.pem")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ssl(true)");
    }
}
