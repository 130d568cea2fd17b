package dev.tributary.r2dbc;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class R2dbcSqlClientProviderTest {

    @Test
    void turnsTcpKeepAliveOnForThePostgresFamilyUnlessTold() {
        assertThat(R2dbcSqlClientProvider.withTcpKeepAlive(ConnectionFactoryOptions.parse("r2dbc:postgresql://u@h/db"))
                .getValue(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE)).isEqualTo(true);
        assertThat(R2dbcSqlClientProvider.withTcpKeepAlive(ConnectionFactoryOptions.parse("r2dbc:bitio://u:k@h/u/db"))
                .getValue(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE)).isEqualTo(true);
        assertThat(R2dbcSqlClientProvider.withTcpKeepAlive(ConnectionFactoryOptions.parse("r2dbc:postgresql://u@h/db?tcpKeepAlive=false"))
                .getValue(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE)).isEqualTo("false");
        assertThat(R2dbcSqlClientProvider.withTcpKeepAlive(ConnectionFactoryOptions.parse("r2dbc:h2:mem:///db"))
                .hasOption(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE)).isFalse();
    }
}
