package dev.strangler.cli.ramp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RampStateTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final ArrayNode entries = JSON.createArrayNode();
    final RampPlan plan = new PlanReader().steps("10,50,100").build();

    ObjectNode add(String action, long rampId) {
        ObjectNode e = entries.addObject().put("seq", entries.size()).put("action", action).put("actor", "oncall")
                .put("time", "2026-11-28T04:20:00Z");
        e.putObject("details").put("rampId", rampId);
        return e;
    }

    @Test
    void followsTheLatestRampOnly() {
        add("ramp-start", 0).with("details").set("plan", plan.toJson());
        add("ramp-complete", 1);
        add("set-weight", 0);
        ObjectNode start = add("ramp-start", 0);
        start.with("details").set("plan", plan.toJson());
        long id = start.path("seq").asLong();
        add("ramp-step", id).with("details").put("step", 0);
        add("ramp-pause", id);
        add("ramp-step", 99).with("details").put("step", 2); // another ramp's entry: ignored
        add("ramp-step", id).with("details").put("step", 1);

        RampState s = RampState.of(entries);

        assertThat(s.rampId()).isEqualTo(id);
        assertThat(s.plan()).isEqualTo(plan);
        assertThat(s.step()).isEqualTo(1);
        assertThat(s.paused()).isTrue();
        assertThat(s.status()).isEqualTo("paused");
        assertThat(s.active()).isTrue();

        add("ramp-resume", id);
        assertThat(RampState.of(entries).status()).isEqualTo("running");
        add("ramp-gate-failed", id);
        assertThat(RampState.of(entries).status()).isEqualTo("failed");
        assertThat(RampState.of(entries).active()).isFalse();
    }

    @Test
    void aRouteThatNeverRampedHasNoState() {
        add("set-weight", 0);
        RampState s = RampState.of(entries);
        assertThat(s.status()).isEqualTo("none");
        assertThat(s.active()).isFalse();
    }
}
