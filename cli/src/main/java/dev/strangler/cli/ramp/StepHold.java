package dev.strangler.cli.ramp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.Weights;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** One step's hold: checks every interval until the hold passed, a gate failed, or an abort came. */
final class StepHold {
    private final RampRunner r;
    private final int index;
    private final Instant stepStart;
    private final String targetRoute;
    private ProxyFigures targetBase;
    private ProxyFigures legacyBase;
    private Duration held = Duration.ZERO;
    private boolean paused;
    private String pausedBy = "";
    private int checks;
    /** Per gate, checks it passed in this step: 0 on failure means it failed at its first verdict. */
    private final Map<String, Integer> passes = new HashMap<>();

    StepHold(RampRunner r, int index) {
        this.r = r;
        this.index = index;
        this.stepStart = r.clock().instant();
        this.targetRoute = r.route();
    }

    RampRunner.Outcome run() {
        try {
            List<PromText.Sample> base = PromText.parse(r.admin().metrics());
            targetBase = ProxyFigures.of(base, targetRoute, r.targetBackend());
            legacyBase = ProxyFigures.of(base, targetRoute, r.legacyBackend());
        } catch (IllegalArgumentException e) {
            GateResult g = new GateResult("metrics", GateResult.State.FAIL, Double.NaN, Double.NaN, "unreadable",
                    "readable", "cannot read the proxy's /metrics: " + RampRunner.oneLine(e.getMessage()));
            return r.fail(index, g, List.of(g), 0, 0);
        }
        Instant lastTick = r.clock().instant();
        Duration limit = r.plan().hold().plus(r.plan().maxWait());
        while (true) {
            RampRunner.pace(r.plan().checkInterval());
            Instant now = r.clock().instant();
            if (!paused) {
                held = held.plus(Duration.between(lastTick, now));
            }
            lastTick = now;
            Optional<RampRunner.Outcome> stop = control();
            if (stop.isPresent()) {
                return stop.get();
            }
            boolean due = !paused && held.compareTo(r.plan().hold()) >= 0;
            ProxyFigures target = new ProxyFigures(0, 0, new TreeMap<>());
            ProxyFigures legacy = target;
            List<GateResult> results;
            try {
                List<PromText.Sample> samples = PromText.parse(r.admin().metrics());
                target = ProxyFigures.of(samples, targetRoute, r.targetBackend()).minus(targetBase);
                legacy = ProxyFigures.of(samples, targetRoute, r.legacyBackend()).minus(legacyBase);
                results = r.gates().evaluate(target, legacy, stepStart, now, due);
            } catch (IllegalArgumentException e) {
                // A misread is no verdict: wait (and fail after the hold plus max wait), never pass.
                results = List.of(GateResult.waiting("metrics", "readable", "cannot read the proxy's /metrics: "
                        + RampRunner.oneLine(e.getMessage())));
            }
            checks++;
            results.stream().filter(g -> g.state() == GateResult.State.PASS).forEach(g -> passes.merge(g.gate(), 1, Integer::sum));
            Optional<GateResult> failed = results.stream().filter(g -> g.state() == GateResult.State.FAIL).findFirst();
            if (failed.isPresent()) {
                return r.fail(index, failed.get(), results, checks, passes.getOrDefault(failed.get().gate(), 0));
            }
            boolean allPass = results.stream().allMatch(g -> g.state() == GateResult.State.PASS);
            r.view().progress(line(target, legacy, results));
            if (due && allPass) {
                return new RampRunner.Outcome(true, r.rampId(), "step passed", results);
            }
            if (!paused && held.compareTo(limit) >= 0) {
                GateResult waiting = results.stream().filter(g -> g.state() == GateResult.State.WAIT).findFirst()
                        .orElseThrow();
                GateResult timedOut = new GateResult(waiting.gate(), GateResult.State.FAIL, Double.NaN, Double.NaN,
                        "no verdict", waiting.boundText(), "still waiting after " + PlanReader.format(limit) + ": "
                        + waiting.note());
                return r.fail(index, timedOut, results, checks, passes.getOrDefault(timedOut.gate(), 0));
            }
        }
    }

    /** Obeys pause/resume/abort entries and notices weight changes made outside the ramp. */
    private Optional<RampRunner.Outcome> control() {
        JsonNode entries = r.admin().audit(r.route(), r.lastSeq(), 1000).path("entries");
        for (JsonNode e : entries) {
            r.seen(e.path("seq").asLong());
            if (e.path("details").path("rampId").asLong() != r.rampId()) {
                continue;
            }
            String who = e.path("actor").asText() + (e.path("reason").asText().isEmpty() ? "" : ": " + e.path("reason").asText());
            switch (e.path("action").asText()) {
                case "ramp-pause" -> {
                    paused = true;
                    pausedBy = who;
                    r.view().event("paused by " + who + " (gates still checked; 'strangler ramp resume " + r.route() + "' continues)");
                }
                case "ramp-resume" -> {
                    if (paused) {
                        r.view().event("resumed by " + who);
                    }
                    paused = false;
                }
                case "ramp-abort" -> {
                    r.rollbackIfNeeded("ramp #" + r.rampId() + " aborted by " + who);
                    String msg = "ramp #" + r.rampId() + " of " + r.route() + " aborted by " + who + " at step " + (index + 1) + "/"
                            + r.plan().steps().size() + "; route at 0%";
                    r.view().event(msg);
                    return Optional.of(new RampRunner.Outcome(false, r.rampId(), msg, List.of()));
                }
                default -> {
                    // ramp-step and the like are our own entries
                }
            }
        }
        int expected = r.plan().weightAt(index);
        int now = r.admin().route(r.route()).path("weightBps").asInt();
        if (now != expected) {
            String msg = "ramp #" + r.rampId() + " of " + r.route() + " stopped: its weight changed outside the ramp to "
                    + Weights.format(now) + " (expected " + Weights.format(expected) + "; see 'strangler audit --route "
                    + r.route() + "')";
            ObjectNode d = r.base().put("step", index).put("weightBps", now).put("expectedWeightBps", expected);
            r.appendControl("ramp-abort", "weight changed outside the ramp", d);
            r.view().event(msg);
            return Optional.of(new RampRunner.Outcome(false, r.rampId(), msg, List.of()));
        }
        return Optional.empty();
    }

    private String line(ProxyFigures target, ProxyFigures legacy, List<GateResult> results) {
        Duration left = r.plan().hold().minus(held);
        StringBuilder b = new StringBuilder();
        b.append("[").append(index + 1).append('/').append(r.plan().steps().size()).append(' ')
                .append(Weights.format(r.plan().weightAt(index))).append("] ");
        if (paused) {
            b.append("PAUSED by ").append(pausedBy);
        } else if (left.isNegative() || left.isZero()) {
            b.append("hold done");
        } else {
            b.append(RampRunner.clockText(left)).append(" left");
        }
        b.append(" | requests target ").append((long) target.requests()).append(" legacy ").append((long) legacy.requests());
        results.forEach(g -> b.append(" | ").append(g.text()));
        return b.toString();
    }
}
