package dev.strangler.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class LocalPostgresIT {

    @Test
    void startsWithLogicalDecodingAndCleansUpItsDataDirectory() throws Exception {
        Path dir;
        try (LocalPostgres pg = LocalPostgres.start()) {
            dir = pg.dataDirectory();
            DataSource ds = pg.dataSource("legacy");
            assertThat(setting(ds, "wal_level")).isEqualTo("logical");
            assertThat(setting(ds, "synchronous_commit")).isEqualTo("on");
            assertThat(Integer.parseInt(setting(ds, "max_replication_slots"))).isGreaterThanOrEqualTo(10);
            assertThat(Files.exists(dir)).isTrue();
        }
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void keepsDataAcrossRestartOnTheSamePort() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            DataSource ds = pg.dataSource("ctl");
            exec(ds, "CREATE TABLE t (id int primary key)");
            exec(ds, "INSERT INTO t VALUES (1)");
            int port = pg.port();

            pg.restart();

            assertThat(pg.port()).isEqualTo(port);
            try (Connection c = pg.dataSource("ctl").getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void rejectsDatabaseNamesThatWouldNeedQuoting() {
        try (LocalPostgres pg = LocalPostgres.start()) {
            assertThatThrownBy(() -> pg.createDatabase("x; drop"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("database name");
        }
    }

    private static String setting(DataSource ds, String name) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
