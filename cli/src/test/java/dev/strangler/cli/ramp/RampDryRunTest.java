package dev.strangler.cli.ramp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun;
import dev.strangler.cli.CliRun.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --dry-run} and usage errors: nothing is sent (the admin URL points at a closed port). */
class RampDryRunTest {

    @TempDir
    Path home;

    CliRun cli() {
        return new CliRun(home).env("STRANGLER_ADMIN_URL", "http://127.0.0.1:9");
    }

    @Test
    void dryRunPrintsThePlanAndItsGates() {
        Result r = cli().run("ramp", "appointments", "--dry-run", "--steps", "1,5,25,100,owner:appointments=new",
                "--hold", "15m", "--max-mismatch-ratio", "0.005", "--max-cdc-lag", "5s", "--max-dlq-growth", "0");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                ramp appointments (dry run: nothing is changed)
                STEP  ACTION                                               ROUTE WEIGHT AFTER  HOLD
                1     set weight 1%                                        1%                  15m
                2     set weight 5%                                        5%                  15m
                3     set weight 25%                                       25%                 15m
                4     set weight 100%                                      100%                15m
                5     write owner of appointments -> new (as 'cdc owner')  100%                15m

                gates, checked every 10s; a step passes once its hold is over and every gate is ok; it may wait 15m more for enough data, then fails
                GATE        FAILS WHEN                                                            SOURCE
                errorRatio  target 5xx ratio > legacy's + 1.00% (after 100 target requests)       proxy /metrics
                p99         target p99 > max(legacy p99 x 1.5, 50ms) (after 100 target requests)  proxy /metrics
                mismatch    mismatch ratio > 0.50%, noise excluded (after 20 comparisons)         diff store
                cdcLag      forward lag > 5s                                                      cdc status
                dlqGrowth   dead letters added since start > 0                                    cdc status
                verify      off                                                                   cdc verify
                """);
    }

    @Test
    void badPlansAreUsageErrorsBeforeAnythingIsSent() {
        Result falling = cli().run("ramp", "appointments", "--steps", "25,5");
        Result noRoute = cli().run("ramp");
        Result resumeWithPlan = cli().run("ramp", "appointments", "--resume", "--steps", "5,100");

        assertThat(falling.exit()).isEqualTo(2);
        assertThat(falling.err()).contains("steps: 5% after 25% (expected: weights rising step by step");
        assertThat(noRoute.exit()).isEqualTo(2);
        assertThat(noRoute.err()).contains("missing ROUTE");
        assertThat(resumeWithPlan.exit()).isEqualTo(2);
        assertThat(resumeWithPlan.err()).contains("--resume continues with the plan the ramp started with");
    }

    @Test
    void terminalRedrawsTheProgressLineAndPipesGetPlainLines() {
        StringWriter tty = new StringWriter();
        LiveView t = new LiveView(new PrintWriter(tty), true);
        t.progress("[1/2 10%] 0:02 left");
        t.progress("[1/2 10%] 0:01 left");
        t.event("step 2/2: 100%");
        StringWriter pipe = new StringWriter();
        LiveView p = new LiveView(new PrintWriter(pipe), false);
        p.progress("[1/2 10%] 0:02 left");
        p.event("step 2/2: 100%");

        assertThat(tty.toString()).isEqualTo("\r[1/2 10%] 0:02 left\033[K\r[1/2 10%] 0:01 left\033[K\r\033[Kstep 2/2: 100%"
                + System.lineSeparator());
        assertThat(pipe.toString()).isEqualTo("[1/2 10%] 0:02 left" + System.lineSeparator() + "step 2/2: 100%"
                + System.lineSeparator());
    }
}
