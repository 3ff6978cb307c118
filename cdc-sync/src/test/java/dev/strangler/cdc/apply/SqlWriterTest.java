package dev.strangler.cdc.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlWriterTest {

    @Test
    void upsertUpdatesNonKeyColumnsAndAppliesTheVersionRule() {
        assertThat(SqlWriter.upsertSql("public.t", List.of("id", "name", "version"), List.of("id"), "version", true, 2))
                .isEqualTo("INSERT INTO \"public\".\"t\" AS t (\"id\", \"name\", \"version\") VALUES (?, ?, ?), (?, ?, ?)"
                        + " ON CONFLICT (\"id\") DO UPDATE SET \"name\" = EXCLUDED.\"name\", \"version\" = EXCLUDED.\"version\""
                        + " WHERE t.\"version\" <= EXCLUDED.\"version\" OR t.\"version\" IS NULL");
    }

    @Test
    void reverseDirectionNeedsAStrictlyNewerVersion() {
        assertThat(SqlWriter.upsertSql("public.t", List.of("id", "v"), List.of("id"), "v", false, 1))
                .contains("WHERE t.\"v\" < EXCLUDED.\"v\"");
    }

    @Test
    void keyOnlyTablesDoNothingOnConflict() {
        assertThat(SqlWriter.upsertSql("s.t", List.of("id"), List.of("id"), null, true, 1))
                .endsWith("ON CONFLICT (\"id\") DO NOTHING");
    }

    @Test
    void identifiersAreQuoted() {
        assertThat(SqlWriter.quoteTable("public.we\"ird")).isEqualTo("\"public\".\"we\"\"ird\"");
    }
}
