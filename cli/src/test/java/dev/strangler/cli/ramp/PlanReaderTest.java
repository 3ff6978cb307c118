package dev.strangler.cli.ramp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanReaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreSixStepsTenMinuteHoldsAndTheMetricsGates() {
        RampPlan p = new PlanReader().build();

        assertThat(p.stepsText()).isEqualTo("1% → 5% → 10% → 25% → 50% → 100%");
        assertThat(p.hold()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.maxWait()).isEqualTo(p.hold());
        assertThat(p.gates().maxErrorRatioIncrease()).isEqualTo(0.01);
        assertThat(p.gates().maxP99Ratio()).isEqualTo(1.5);
        assertThat(p.gates().needsDiffStore()).isFalse();
        assertThat(p.gates().needsCdc()).isFalse();
    }

    @Test
    void planFileThenFlagsAndTheAuditJsonRoundTrips() throws Exception {
        Path file = Files.writeString(dir.resolve("ramp.yaml"), """
                steps: [1, 5%, 25%, "owner:appointments=new", 100%]
                hold: 5m
                checkInterval: 15s
                gates:
                  minRequests: 200
                  p99: off
                  mismatch: {maxRatio: 0.005, minComparisons: 50}
                  cdcLag: {max: 2s}
                  dlqGrowth: on
                  verify: {tables: [appointments], every: 2m}
                """);

        RampPlan p = new PlanReader().file(file).hold(Duration.ofMinutes(2)).build();

        assertThat(p.stepsText()).isEqualTo("1% → 5% → 25% → owner:appointments=new → 100%");
        assertThat(p.weightAt(3)).isEqualTo(2500);
        assertThat(p.movesOwnership()).isTrue();
        assertThat(p.hold()).isEqualTo(Duration.ofMinutes(2)); // flag wins
        assertThat(p.gates().maxP99Ratio()).isNull();
        assertThat(p.gates().maxMismatchRatio()).isEqualTo(0.005);
        assertThat(p.gates().maxDlqGrowth()).isZero();
        assertThat(p.gates().verifyTables()).containsExactly("appointments");
        assertThat(PlanReader.fromJson(p.toJson())).isEqualTo(p);
    }

    @Test
    void badPlansSayWhereAndWhat() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "gates:\n  errorRate: {maxIncrease: 0.1}\n");
        assertThatThrownBy(() -> new PlanReader().file(typo))
                .hasMessage("plan " + typo + ": gates.errorRate: unknown key (expected one of: cdcLag, dlqGrowth,"
                        + " errorRatio, minRequests, mismatch, p99, verify)");
        assertThatThrownBy(() -> new PlanReader().steps("5,1,100").build())
                .hasMessageContaining("steps: 1% after 5% (expected: weights rising");
        assertThatThrownBy(() -> new PlanReader().steps("5,owner:appointments=mine").build())
                .hasMessageContaining("expected: owner:TABLE=legacy|new|both");
        assertThatThrownBy(() -> new PlanReader().steps("5,150").build()).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new PlanReader().hold(Duration.ofSeconds(5)).checkInterval(Duration.ofSeconds(10)).build())
                .hasMessageContaining("checkInterval 10s is longer than hold 5s");
        assertThatThrownBy(() -> new PlanReader().maxErrorRatioIncrease(2.0).build())
                .hasMessageContaining("errorRatio.maxIncrease: 2.0 (expected: a ratio 0..1");
        assertThatThrownBy(() -> new PlanReader().off("latency")).hasMessageContaining("--no-gate latency (expected one of");
        assertThat(new PlanReader().off("errorRatio").off("p99").verifyTables(List.of()).build().gates().maxP99Ratio()).isNull();
    }
}
