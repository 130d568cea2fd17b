package dev.tributary.r2dbc.clickhouse;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseExceptionsTest {

    @Test
    void mapsCodesToTheR2dbcTaxonomyWithCodeMessageAndSql() {
        R2dbcException e = ClickHouseExceptions.fromServer(62, "Syntax error", "SELEKT");
        assertThat(e).isInstanceOf(R2dbcBadGrammarException.class);
        assertThat(e.getErrorCode()).isEqualTo(62);
        assertThat(e.getMessage()).isEqualTo("Syntax error");
        assertThat(e.getSql()).isEqualTo("SELEKT");
        assertThat(e.getSqlState()).isNull();
        assertThat(ClickHouseExceptions.fromServer(60, "m", null)).isInstanceOf(R2dbcBadGrammarException.class);
        assertThat(ClickHouseExceptions.fromServer(516, "m", null)).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(ClickHouseExceptions.fromServer(193, "m", null)).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(ClickHouseExceptions.fromServer(159, "m", null)).isInstanceOf(R2dbcTimeoutException.class);
        assertThat(ClickHouseExceptions.fromServer(373, "m", null)).isInstanceOf(R2dbcTransientResourceException.class);
        assertThat(ClickHouseExceptions.fromServer(395, "m", null)).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(ClickHouseExceptions.fromServer(27, "m", null)).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(ClickHouseExceptions.fromServer(999, "m", null)).isInstanceOf(R2dbcNonTransientException.class)
                .isExactlyInstanceOf(ClickHouseExceptions.ServerException.class);
    }

    @Test
    void readsTheErrorTextOfANon200Body() {
        R2dbcException e = ClickHouseExceptions.fromResponse(404,
                "Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., e.what() = DB::Exception\n", "SELECT * FROM nope");
        assertThat(e).isInstanceOf(R2dbcBadGrammarException.class);
        assertThat(e.getErrorCode()).isEqualTo(60);
        assertThat(e.getMessage()).contains("Table default.nope doesn't exist");
        assertThat(ClickHouseExceptions.fromResponse(401, "", null)).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(ClickHouseExceptions.fromResponse(503, "busy", null)).isInstanceOf(R2dbcTransientResourceException.class)
                .hasMessageContaining("HTTP 503").hasMessageContaining("busy");
    }

    @Test
    void socketFailuresBecomeTransientResourceErrorsWithTheCause() {
        ConnectException refused = new ConnectException("Connection refused");
        Throwable t = ClickHouseExceptions.translate(refused, "connecting to h:1", null);
        assertThat(t).isInstanceOf(R2dbcTransientResourceException.class).hasCause(refused).hasMessageContaining("connecting to h:1");
        IllegalArgumentException bug = new IllegalArgumentException("x");
        assertThat(ClickHouseExceptions.translate(bug, "op", null)).isSameAs(bug);
    }
}
