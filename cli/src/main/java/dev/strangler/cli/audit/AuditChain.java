package dev.strangler.cli.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash chain of an audit export (docs/cli.md, "Audit evidence"). Every line is a JSON object
 * with {@code n} (its 1-based line number), {@code prevHash} and {@code hash}, where
 * <pre>
 * hash = lowercase hex SHA-256( UTF-8( prevHash + canonical(line without "prevHash" and "hash") ) )
 * </pre>
 * {@code prevHash} of line 1 (the header) is 64 zeros; of every other line, the previous line's
 * {@code hash}. Canonical JSON: object keys sorted (by UTF-16 code units, recursively), no
 * whitespace, strings escaped as Jackson writes them (only {@code "}, {@code \} and control
 * characters; non-ASCII as raw UTF-8), numbers as parsed (decimals as {@code BigDecimal}).
 * The header's {@code entries} says how many lines follow it, so cutting off the tail is caught.
 */
public final class AuditChain {

    /** {@code prevHash} of the first line. */
    public static final String GENESIS = "0".repeat(64);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private AuditChain() {
    }

    /** The canonical JSON text of {@code node}: sorted keys, no whitespace. */
    public static String canonical(JsonNode node) {
        try {
            return JSON.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write canonical JSON", e);
        }
    }

    /** {@code hash} of a line whose fields (other than prevHash/hash) are {@code content}. */
    public static String hash(String prevHash, ObjectNode content) {
        try {
            // Round trip through text, so a line hashes the same when sealed (doubles from the admin
            // API) and when verified (parsed from the file as BigDecimal).
            ObjectNode c = (ObjectNode) JSON.readTree(JSON.writeValueAsString(content));
            c.remove("prevHash");
            c.remove("hash");
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((prevHash + canonical(c)).getBytes(UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot re-read an export line", e);
        }
    }

    /** Adds {@code prevHash} and {@code hash} to {@code line} (in place) and returns its hash. */
    public static String seal(ObjectNode line, String prevHash) {
        String h = hash(prevHash, line);
        line.put("prevHash", prevHash).put("hash", h);
        return h;
    }

    /** The line as written to the file: compact JSON, fields in the order they were put. */
    public static String write(ObjectNode line) {
        return line.toString();
    }

    /**
     * Checks a whole export. Finds the first broken line and says why: not JSON, edited (content
     * does not match its hash), removed, reordered or inserted (position vs {@code n} and
     * {@code prevHash}), or the tail cut off (header count).
     */
    public static Result verify(List<String> lines) {
        List<ObjectNode> parsed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                return Result.broken(lineNo, "not valid JSON (edited or truncated)");
            }
            if (!(n instanceof ObjectNode o) || !o.path("hash").isTextual() || !o.path("prevHash").isTextual()
                    || !o.path("n").canConvertToLong()) {
                return Result.broken(lineNo, "not an export line (needs n, prevHash, hash): edited or inserted");
            }
            parsed.add(o);
        }
        if (parsed.isEmpty()) {
            return Result.broken(1, "empty file (expected a header line)");
        }
        ObjectNode header = parsed.get(0);
        if (!"header".equals(header.path("type").asText())) {
            return Result.broken(1, "no header: the first line is " + describe(header) + " (header removed or lines reordered)");
        }
        String prev = GENESIS;
        Map<String, Integer> bySource = new TreeMap<>();
        for (int i = 0; i < parsed.size(); i++) {
            int lineNo = i + 1;
            ObjectNode line = parsed.get(i);
            String stored = line.get("hash").asText();
            if (!hash(line.get("prevHash").asText(), line).equals(stored)) {
                return Result.broken(lineNo, "edited: its content does not match its hash");
            }
            long n = line.get("n").asLong();
            if (n != lineNo) {
                int at = indexOfN(parsed, lineNo);
                String why = at >= 0
                        ? "reordered: holds entry " + n + ", entry " + lineNo + " is at line " + (at + 1)
                        : n > lineNo
                                ? "removed: holds entry " + n + " where entry " + lineNo + " belongs (line(s) "
                                        + lineNo + (n - 1 > lineNo ? ".." + (n - 1) : "") + " missing)"
                                : "inserted or duplicated: holds entry " + n + " again";
                return Result.broken(lineNo, why);
            }
            if (!line.get("prevHash").asText().equals(prev)) {
                return Result.broken(lineNo, "its prevHash does not match the hash of line " + (lineNo - 1)
                        + " (line " + (lineNo - 1) + " was edited and re-hashed, or replaced)");
            }
            prev = stored;
            if (i > 0) {
                bySource.merge(line.path("source").asText("?"), 1, Integer::sum);
            }
        }
        long declared = header.path("entries").asLong(-1);
        int found = parsed.size() - 1;
        if (declared != found) {
            return Result.broken(parsed.size(), declared > found
                    ? "removed: the file ends after " + found + " entries, the header says " + declared
                            + " (the last " + (declared - found) + " line(s) were cut off)"
                    : "inserted: " + found + " entries, the header says " + declared);
        }
        return new Result(true, 0, null, found, bySource, prev, header);
    }

    private static int indexOfN(List<ObjectNode> lines, long n) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).get("n").asLong() == n) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(ObjectNode line) {
        return "entry " + line.path("n").asText("?") + " (type " + line.path("type").asText("?") + ")";
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
            fields.forEach((k, v) -> out.set(k, sorted(v)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return node;
    }

    /**
     * What {@link #verify} found.
     *
     * @param ok       the chain is intact
     * @param line     first broken line (1-based), 0 when ok
     * @param reason   why it is broken, null when ok
     * @param entries  entry lines (without the header) when ok
     * @param bySource entry count per source when ok
     * @param lastHash the last line's hash when ok
     * @param header   the header line when ok
     */
    public record Result(boolean ok, int line, String reason, int entries, Map<String, Integer> bySource,
                         String lastHash, ObjectNode header) {
        static Result broken(int line, String reason) {
            return new Result(false, line, reason, 0, Map.of(), null, null);
        }
    }
}
