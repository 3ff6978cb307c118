package dev.strangler.cli.ramp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One gate's verdict at one check.
 *
 * @param gate   errorRatio, p99, mismatch, cdcLag, dlqGrowth, verify, minRequests, owner, weight
 * @param state  PASS, FAIL, or WAIT (not enough data yet: neither passes nor fails)
 * @param value  measured value, shown as {@code valueText}
 * @param bound  the bound it is held to, shown as {@code boundText}
 * @param note   figures behind the value (requests, comparisons, keys), or why it waits
 */
public record GateResult(String gate, State state, double value, double bound, String valueText, String boundText,
                         String note) {

    /** A gate's verdict. */
    public enum State { PASS, FAIL, WAIT }

    static GateResult waiting(String gate, String boundText, String note) {
        return new GateResult(gate, State.WAIT, Double.NaN, Double.NaN, "n/a", boundText, note);
    }

    /** {@code errorRatio 0.12% ≤ 1.10% ok}, {@code p99 n/a (12 of 100 requests) wait}. */
    public String text() {
        String verdict = switch (state) {
            case PASS -> "ok";
            case FAIL -> "FAIL";
            case WAIT -> "wait";
        };
        String cmp = state == State.FAIL ? " > " : " ≤ ";
        String base = gate + " " + valueText + cmp + boundText;
        return state == State.WAIT ? base + " " + verdict + " (" + note + ")" : base + " " + verdict;
    }

    /** Figures for an audit entry's details. */
    public ObjectNode json() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("state", state.name().toLowerCase(Locale.ROOT));
        if (!Double.isNaN(value)) {
            n.put("value", value);
        }
        if (!Double.isNaN(bound)) {
            n.put("bound", bound);
        }
        n.put("valueText", valueText).put("boundText", boundText);
        if (note != null && !note.isEmpty()) {
            n.put("note", note);
        }
        return n;
    }

    static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    static String seconds(double s) {
        double ms = s * 1000;
        return ms < 10 ? String.format(Locale.ROOT, "%.1fms", ms) : String.format(Locale.ROOT, "%.0fms", ms);
    }
}
