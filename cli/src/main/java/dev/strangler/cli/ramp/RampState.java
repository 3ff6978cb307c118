package dev.strangler.cli.ramp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's latest ramp, rebuilt from its audit entries (CONTRACT section 1): the last
 * {@code ramp-start} and every entry after it that carries its {@code rampId}. This is the only
 * place a ramp's state lives, so whatever process reads the audit log sees the same ramp.
 *
 * @param rampId     seq of the {@code ramp-start} entry; 0 when the route never ramped
 * @param start      the {@code ramp-start} entry (null when none)
 * @param plan       the plan it started with (null when none)
 * @param step       index of the last step begun, -1 before the first
 * @param paused     a {@code ramp-pause} came after the last {@code ramp-resume}
 * @param end        the entry that ended it ({@code ramp-complete}, {@code ramp-gate-failed},
 *                   {@code ramp-abort}), or null while it is unfinished
 * @param lastStep   the last {@code ramp-step} entry (null before the first)
 * @param lastSeq    highest seq seen for the route
 */
public record RampState(long rampId, JsonNode start, RampPlan plan, int step, boolean paused, JsonNode end,
                        JsonNode lastStep, long lastSeq) {

    static final List<String> ENDINGS = List.of("ramp-complete", "ramp-gate-failed", "ramp-abort");

    /** Reads {@code entries} (a route's audit entries, oldest first). */
    public static RampState of(JsonNode entries) {
        List<JsonNode> list = new ArrayList<>();
        entries.forEach(list::add);
        long lastSeq = list.isEmpty() ? 0 : list.get(list.size() - 1).path("seq").asLong();
        int startAt = -1;
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).path("action").asText().equals("ramp-start")) {
                startAt = i;
                break;
            }
        }
        if (startAt < 0) {
            return new RampState(0, null, null, -1, false, null, null, lastSeq);
        }
        JsonNode start = list.get(startAt);
        long rampId = start.path("seq").asLong();
        RampPlan plan = PlanReader.fromJson(start.path("details").path("plan"));
        int step = -1;
        boolean paused = false;
        JsonNode end = null;
        JsonNode lastStep = null;
        for (JsonNode e : list.subList(startAt + 1, list.size())) {
            if (e.path("details").path("rampId").asLong() != rampId) {
                continue;
            }
            String action = e.path("action").asText();
            switch (action) {
                case "ramp-step" -> {
                    step = e.path("details").path("step").asInt();
                    lastStep = e;
                }
                case "ramp-pause" -> paused = true;
                case "ramp-resume" -> paused = false;
                default -> {
                    if (ENDINGS.contains(action) && end == null) {
                        end = e;
                    }
                }
            }
        }
        return new RampState(rampId, start, plan, step, paused, end, lastStep, lastSeq);
    }

    /** Started and not ended: {@code --resume} continues it, a new ramp is refused. */
    public boolean active() {
        return rampId > 0 && end == null;
    }

    /** running, paused, complete, failed, aborted, or none. */
    public String status() {
        if (rampId == 0) {
            return "none";
        }
        if (end == null) {
            return paused ? "paused" : "running";
        }
        return switch (end.path("action").asText()) {
            case "ramp-complete" -> "complete";
            case "ramp-gate-failed" -> "failed";
            default -> "aborted";
        };
    }
}
