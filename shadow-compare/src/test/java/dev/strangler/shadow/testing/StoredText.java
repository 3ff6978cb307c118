package dev.strangler.shadow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** What the PHI tests search: every value the diff store's database holds, as text. */
public final class StoredText {

    private StoredText() {
    }

    /** Every non-null column value of every table in schema {@code public}; asserts the diff store's tables are there. */
    public static List<String> all(DataSource ds) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name, column_name FROM information_schema.columns "
                    + "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            assertThat(columns).extracting(col -> col[0]).contains("shadow_evidence", "shadow_field_bucket", "shadow_route_config");
            for (String[] col : columns) {
                try (ResultSet rs = st.executeQuery("SELECT \"" + col[1] + "\"::text FROM \"" + col[0] + "\"")) {
                    while (rs.next()) {
                        if (rs.getString(1) != null) {
                            values.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return values;
    }
}
