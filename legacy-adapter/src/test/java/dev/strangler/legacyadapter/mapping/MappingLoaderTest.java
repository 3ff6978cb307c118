package dev.strangler.legacyadapter.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingLoaderTest {

    private static final String GOOD = """
            service: appointments
            tables:
              appointments:
                from: appt
                key: {id: appt_id}
                columns:
                  patient_id: patient_no
                  status: {from: status_cd, codes: {B: BOOKED, C: CANCELLED}}
                  starts_at: {date: appt_date, time: appt_time, zone: America/New_York}
                  origin: {value: legacy}
                  fee_cents: {transform: dollars-to-cents, from: [fee]}
                drop: [notes]
                where: {column: kind, in: [VIDEO, OFFICE]}
            """;

    private final MappingLoader loader = new MappingLoader();

    @Test
    void mapsLegacyRowToNewAndBackAgain() {
        TableMapping t = loader.parse(GOOD, "good.yaml").tables().get(0);
        Map<String, Object> legacy = new HashMap<>(Map.of("appt_id", 7L, "patient_no", 42L, "status_cd", "C",
                "appt_date", LocalDate.of(2026, 2, 8), "appt_time", LocalTime.of(9, 30), "fee", "12.50",
                "notes", "private", "kind", "VIDEO"));

        Map<String, Object> row = t.toNew(legacy);

        assertThat(t.accepts(legacy)).isTrue();
        assertThat(row).containsEntry("id", 7L).containsEntry("patient_id", 42L).containsEntry("status", "CANCELLED")
                .containsEntry("origin", "legacy").containsEntry("fee_cents", 1250L).doesNotContainKey("notes");
        assertThat(row.get("starts_at")).isEqualTo(OffsetDateTime.parse("2026-02-08T09:30-05:00"));
        Map<String, Object> back = t.toLegacy(row);
        assertThat(back).containsEntry("appt_id", 7L).containsEntry("status_cd", "C")
                .containsEntry("appt_date", LocalDate.of(2026, 2, 8)).containsEntry("appt_time", LocalTime.of(9, 30))
                .containsEntry("fee", new BigDecimal("12.50")).doesNotContainKeys("notes", "origin");
    }

    @Test
    void reverseWritesKeysAndMappedColumnsButNotAFallbackColumn() {
        TableMapping t = loader.parse("""
                service: s
                tables:
                  visits:
                    from: visit
                    key: {id: visit_id}
                    columns:
                      kind: {from: code, codes: {A: ACUTE}}
                      updated_at: {from: upd_ts, zone: UTC, fallback: crt_ts}
                      origin: {value: legacy}
                """, "v.yaml").tables().get(0);
        assertThat(t.legacyColumnsRead()).containsExactly("visit_id", "code", "upd_ts", "crt_ts");
        assertThat(t.legacyColumnsWritten()).containsExactly("visit_id", "code", "upd_ts");
    }

    @Test
    void filterRejectsRowsOutsideTheNewService() {
        TableMapping t = loader.parse(GOOD, "good.yaml").tables().get(0);
        assertThat(t.accepts(Map.of("kind", "PHONE"))).isFalse();
    }

    @Test
    void unknownValueCodeIsAMappingFailureNamingTableAndColumnButNotTheValue() {
        TableMapping t = loader.parse(GOOD, "good.yaml").tables().get(0);
        Map<String, Object> legacy = new HashMap<>(Map.of("appt_id", 1L, "status_cd", "ZZ-SECRET"));
        assertThatThrownBy(() -> t.toNew(legacy)).isInstanceOf(MappingFailure.class)
                .hasMessageContaining("appt.status_cd").hasMessageNotContaining("ZZ-SECRET");
    }

    @Test
    void reportsEveryProblemWithFileLineAndKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                service: appointments
                tables:
                  appointments:
                    from: appt
                    key: {id: appt_id}
                    colums: {}
                    columns:
                      status: {from: status_cd, codes: {B: BOOKED}, colour: red}
                      starts_at: {date: appt_date, time: appt_time, zone: Mars/Olympus}
                      fee: {transform: nope, from: [fee]}
                  slots:
                    key: {id: slot_id}
                """);
        assertThatThrownBy(() -> loader.load(f)).isInstanceOfSatisfying(MappingException.class, e -> {
            List<String> lines = e.problems().stream().map(MappingProblem::toString).toList();
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":6: tables.appointments.colums: unknown key"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":8: tables.appointments.columns.status.colour: unknown key"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":9: tables.appointments.columns.starts_at.zone: unknown time zone"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":10: tables.appointments.columns.fee.transform: no ColumnTransform named 'nope'"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("tables.slots: from: missing"));
            assertThat(e.problems()).hasSize(5);
        });
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> loader.parse("service: a\ntables:\n  x: [unclosed\n", "broken.yaml"))
                .isInstanceOf(MappingException.class).hasMessageContaining("broken.yaml:").hasMessageContaining("not valid YAML");
    }

    @Test
    void saysSoWhenAMappingCannotBeReversed() {
        ServiceMapping m = loader.parse("""
                service: s
                tables:
                  t:
                    from: lt
                    key: {id: id}
                    columns:
                      state: {from: st, codes: {A: OPEN, O: OPEN, C: CLOSED}}
                """, "oneway.yaml");
        assertThat(m.reversible()).isFalse();
        assertThat(m.irreversible()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.key()).isEqualTo("tables.t.columns.state");
            assertThat(p.message()).contains("two legacy codes map to the same value");
        });
    }

    @Test
    void timestampInAZoneFallsBackAndReversesToTheMainColumn() {
        TableMapping t = loader.parse("""
                service: s
                tables:
                  t:
                    from: lt
                    key: {id: id}
                    columns:
                      updated_at: {from: upd_ts, zone: UTC, fallback: crt_ts}
                """, "ts.yaml").tables().get(0);
        Map<String, Object> legacy = new HashMap<>();
        legacy.put("id", 1L);
        legacy.put("upd_ts", null);
        legacy.put("crt_ts", java.time.LocalDateTime.parse("2026-01-02T03:04:05"));
        Map<String, Object> row = t.toNew(legacy);
        assertThat(row.get("updated_at")).isEqualTo(OffsetDateTime.parse("2026-01-02T03:04:05Z"));
        assertThat(t.toLegacy(row)).containsEntry("upd_ts", java.time.LocalDateTime.parse("2026-01-02T03:04:05"))
                .doesNotContainKey("crt_ts");
    }

    @Test
    void columnBothDroppedAndMappedIsAnError() {
        assertThatThrownBy(() -> loader.parse("""
                service: s
                tables:
                  t:
                    from: lt
                    key: {id: id}
                    columns: {name: full_name}
                    drop: [full_name]
                """, "d.yaml")).hasMessageContaining("d.yaml:7: tables.t.drop: legacy column full_name is both dropped and mapped");
    }
}
