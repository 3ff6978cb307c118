package dev.strangler.cdc;

import static dev.strangler.cdc.TestSchemas.await;
import static dev.strangler.cdc.TestSchemas.count;
import static dev.strangler.cdc.TestSchemas.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.embedded.LocalPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One active syncer per slot: a standby waits on the advisory lock and takes over when the active one dies. */
class FailoverIT {

    @Test
    void standbyTakesOverWithinSecondsWhenTheActiveSyncerIsKilled() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            TestSchemas.create(pg, "fo");
            HikariDataSource legacy = pg.dataSource("fo_legacy", 2);
            HikariDataSource target = pg.dataSource("fo_new", 2);
            exec(legacy, "INSERT INTO clinic VALUES (1, 'North')");
            Process active = SyncChild.spawn(pg.jdbcUrl("fo_legacy"), pg.jdbcUrl("fo_new"), TestSchemas.mapping(), "fo_fwd");
            try {
                await(Duration.ofSeconds(40), () -> count(target, "SELECT count(*) FROM clinics") == 1, "child active");
                try (CdcSync standby = CdcSync.start(TestSchemas.config(pg, "fo").build(), new SimpleMeterRegistry(),
                        Clock.systemUTC())) {
                    await(Duration.ofSeconds(30), () -> "STANDBY".equals(standby.status().role()), "standby waiting");
                    exec(legacy, "INSERT INTO clinic VALUES (2, 'South')");
                    await(Duration.ofSeconds(30), () -> count(target, "SELECT count(*) FROM clinics") == 2, "child applies");
                    assertThat(standby.status().role()).isEqualTo("STANDBY");

                    active.destroyForcibly().waitFor();
                    long killed = System.nanoTime();
                    exec(legacy, "INSERT INTO clinic VALUES (3, 'West')");
                    await(Duration.ofSeconds(20), () -> count(target, "SELECT count(*) FROM clinics") == 3, "standby took over");
                    long tookMs = (System.nanoTime() - killed) / 1_000_000;
                    assertThat(standby.status().role()).isEqualTo("ACTIVE");
                    assertThat(tookMs).as("takeover time in ms").isLessThan(15_000);
                }
            } finally {
                active.destroyForcibly().waitFor();
            }
        }
    }
}
