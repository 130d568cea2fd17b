package dev.tributary.testkit.postgres;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPostgresServerIT {

    @Test
    void restartsOnTheSamePortKeepingItsData() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.builder().start()) {
            int port = pg.port();
            pg.execute("CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (42)");
            pg.restart();
            assertThat(pg.port()).isEqualTo(port);
            try (Connection c = pg.superuserDataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, current_setting('listen_addresses') FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
                assertThat(rs.getString(2)).isEqualTo("127.0.0.1");
            }
        }
    }
}
