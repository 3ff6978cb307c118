package dev.strangler.cli.command;

import dev.strangler.embedded.LocalPostgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strangler cdc ...} against real databases: exit codes and output (no syncer needed). */
class CdcCommandsIT {

    private static LocalPostgres pg;
    private static String legacyUrl;
    private static String newUrl;
    private static Path mapping;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        legacyUrl = pg.createDatabase("cli_legacy").jdbcUrl("cli_legacy");
        newUrl = pg.createDatabase("cli_new").jdbcUrl("cli_new");
        exec(legacyUrl, "CREATE TABLE clinic (clinic_id int PRIMARY KEY, name text NOT NULL, code char(1), secret text);"
                + " INSERT INTO clinic SELECT g, 'c' || g, 'A', 's' FROM generate_series(1, 50) g");
        exec(newUrl, "CREATE TABLE clinics (id int PRIMARY KEY, name text NOT NULL, kind text);"
                + " INSERT INTO clinics SELECT g, 'c' || g, 'ACUTE' FROM generate_series(1, 48) g;"
                + " UPDATE clinics SET name = 'wrong' WHERE id = 7; INSERT INTO clinics VALUES (99, 'extra', 'ACUTE')");
        mapping = dir.resolve("clinics.yaml");
        Files.writeString(mapping, """
                service: clinics
                tables:
                  clinics:
                    from: clinic
                    key: {id: clinic_id}
                    columns:
                      name: name
                      kind: {from: code, codes: {A: ACUTE}}
                    drop: [secret]
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** {@code strangler cdc SUB <db and mapping flags> REST...}. */
    private CliRun.Result cdc(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("cdc"));
        java.util.List<String> sub = java.util.List.of(args).subList(0, args[0].equals("dlq") ? 2 : 1);
        all.addAll(sub);
        all.addAll(java.util.List.of("--legacy-db", legacyUrl, "--new-db", newUrl, "--mapping", mapping.toString()));
        all.addAll(java.util.List.of(args).subList(sub.size(), args.length));
        return new CliRun(dir).run(all.toArray(String[]::new));
    }

    @Test
    void checkPassesForMatchingSchemas() {
        CliRun.Result r = cdc("check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("mapping OK");
    }

    @Test
    void verifyListsDifferencesAndExitsOneThenRepairFixesThem() {
        CliRun.Result r = cdc("verify", "--chunk-size", "10");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("different public.clinics {id=7}", "missing public.clinics {id=49}",
                "missing public.clinics {id=50}", "extra public.clinics {id=99}");
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l).contains("4 rows differ"));

        assertThat(cdc("verify", "--repair").exit()).isZero();
        CliRun.Result after = cdc("verify");
        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.out()).contains("50 rows in", "0 mismatching rows");
    }

    /**
     * {@code --authority new}: the legacy side is checked against the new one through the mapping.
     * Untouched legacy rows (upd_ts null, the mapping falls back to crt_ts) are equal; only rows
     * that really differ are listed, named by their legacy key, and repair writes the legacy side.
     */
    @Test
    void verifyWithNewAsAuthorityComparesThroughTheMappingAndRepairsTheLegacySide() throws Exception {
        String legacy = pg.createDatabase("cli_rev_legacy").jdbcUrl("cli_rev_legacy");
        String fresh = pg.createDatabase("cli_rev_new").jdbcUrl("cli_rev_new");
        exec(legacy, "CREATE TABLE visit (visit_id int PRIMARY KEY, code char(1) NOT NULL, crt_ts timestamp NOT NULL,"
                + " upd_ts timestamp, secret text);"
                + " INSERT INTO visit SELECT g, 'A', timestamp '2026-01-01 08:00' + g * interval '1 minute', null, 's'"
                + " FROM generate_series(1, 20) g; UPDATE visit SET code = 'R' WHERE visit_id = 5;"
                + " INSERT INTO visit VALUES (22, 'A', timestamp '2026-01-02 08:00', null, 'only on legacy')");
        exec(fresh, "CREATE TABLE visits (id int PRIMARY KEY, kind text NOT NULL, updated_at timestamptz NOT NULL);"
                + " INSERT INTO visits SELECT g, 'ACUTE', timestamptz '2026-01-01 08:00+00' + g * interval '1 minute'"
                + " FROM generate_series(1, 21) g");
        Path visits = dir.resolve("visits.yaml");
        Files.writeString(visits, """
                service: visits
                tables:
                  visits:
                    from: visit
                    key: {id: visit_id}
                    columns:
                      kind: {from: code, codes: {A: ACUTE, R: ROUTINE}}
                      updated_at: {from: upd_ts, zone: UTC, fallback: crt_ts}
                    drop: [secret]
                """);
        java.util.function.Function<String[], CliRun.Result> verify = extra -> {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("cdc", "verify", "--legacy-db", legacy,
                    "--new-db", fresh, "--mapping", visits.toString(), "--authority", "new", "--chunk-size", "7"));
            args.addAll(java.util.List.of(extra));
            return new CliRun(dir).run(args.toArray(String[]::new));
        };
        CliRun.Result r = verify.apply(new String[0]);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> !l.contains("rows in"))).containsExactlyInAnyOrder(
                "different public.visit {visit_id=5}", "missing public.visit {visit_id=21}", "extra public.visit {visit_id=22}");
        assertThat(r.out()).contains("21 rows in");

        // A legacy NOT NULL column the mapping never writes makes the upsert fail: one line, no row values.
        CliRun.Result failed = verify.apply(new String[] {"--repair"});
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err().lines()).singleElement().satisfies(l -> assertThat(l)
                .contains("SQLSTATE 23502", "\"crt_ts\"", "nothing was repaired").doesNotContain("2026", "Failing row"));
        exec(legacy, "ALTER TABLE visit ALTER crt_ts SET DEFAULT now()");

        CliRun.Result repair = verify.apply(new String[] {"--repair"});
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).contains("3 mismatching rows, 3 repaired");
        CliRun.Result after = verify.apply(new String[0]);
        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.out()).contains("0 mismatching rows");
    }

    @Test
    void statusOfASlotThatNeverRanSaysSo() {
        CliRun.Result r = cdc("status", "--slot", "nothing_here");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("state       NO_SLOT");
    }

    @Test
    void statusAndDlqListSpeakJson() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        CliRun.Result status = cdc("status", "--slot", "nothing_here", "--output", "json");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(json.readTree(status.out()).path("state").asText()).isEqualTo("NO_SLOT");
        CliRun.Result dlq = cdc("dlq", "list", "--output", "json");
        if (dlq.exit() == 0) {
            assertThat(json.readTree(dlq.out()).path("deadLetters").isArray()).isTrue();
        } else {
            assertThat(dlq.err().lines()).hasSize(1);
        }
    }

    @Test
    void dlqListOnAFreshTargetIsEmptyOrFailsWithOneLine() {
        CliRun.Result r = cdc("dlq", "list");
        assertThat(r.exit() == 0 ? r.out() : r.err()).isNotBlank();
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(1);
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        CliRun.Result stop = cdc("stop");
        assertThat(stop.exit()).isEqualTo(2);
        assertThat(stop.err().lines()).singleElement().satisfies(l -> assertThat(l).contains("--drop-slot"));
        CliRun.Result owner = cdc("owner", "clinics", "martians", "--reason", "x");
        assertThat(owner.exit()).isEqualTo(2);
        assertThat(owner.err()).contains("owner: 'martians' (expected: legacy, new or both)");
        CliRun.Result bad = new CliRun(dir).run("cdc", "check", "--legacy-db", "mysql://x", "--new-db", "jdbc:postgresql://h/db",
                "--mapping", mapping.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--legacy-db: mysql://x (expected: jdbc:postgresql://host:port/db)");
    }
}
