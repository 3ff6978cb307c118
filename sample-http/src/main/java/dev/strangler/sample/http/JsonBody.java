package dev.strangler.sample.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A request body that is a JSON object, with typed accessors that answer 400 with the field
 * name, the offending value and what was expected.
 */
public final class JsonBody {

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    static JsonBody parse(ObjectMapper mapper, byte[] bytes) {
        if (bytes.length == 0) {
            throw new HttpError(400, "malformed_json", "request body: empty (expected: a JSON object)");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new HttpError(400, "malformed_json", "request body: not valid JSON" + where
                    + ": " + e.getOriginalMessage() + " (expected: a JSON object)");
        } catch (IOException e) {
            throw new HttpError(400, "malformed_json", "request body: unreadable (expected: a JSON object)");
        }
        if (tree == null || !tree.isObject()) {
            throw new HttpError(400, "malformed_json", "request body: a JSON "
                    + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT))
                    + " (expected: a JSON object)");
        }
        return new JsonBody((ObjectNode) tree);
    }

    /** A required positive integer id. */
    public long requiredId(String field) {
        JsonNode v = required(field, "a positive integer id");
        if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() > 0) {
            return v.longValue();
        }
        throw invalid(field, v, "a positive integer id");
    }

    /** An optional positive integer id. */
    public Optional<Long> optionalId(String field) {
        return present(field) ? Optional.of(requiredId(field)) : Optional.empty();
    }

    /** A required non-blank string of at most {@code maxLength} characters, trimmed. */
    public String requiredText(String field, int maxLength) {
        String expected = "a non-empty string of at most " + maxLength + " characters";
        JsonNode v = required(field, expected);
        if (v.isTextual() && !v.textValue().isBlank() && v.textValue().length() <= maxLength) {
            return v.textValue().strip();
        }
        throw invalid(field, v, expected);
    }

    /** An optional string (absent or null → empty). */
    public Optional<String> optionalText(String field, int maxLength) {
        return present(field) ? Optional.of(requiredText(field, maxLength)) : Optional.empty();
    }

    /** A required ISO date, e.g. {@code 2030-01-07}. */
    public LocalDate requiredDate(String field) {
        String expected = "a date like 2030-01-07";
        JsonNode v = required(field, expected);
        if (v.isTextual()) {
            try {
                LocalDate d = LocalDate.parse(v.textValue());
                if (d.getYear() >= 1000 && d.getYear() <= 9999) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // reported below with the offending value
            }
        }
        throw invalid(field, v, expected);
    }

    /** A required ISO date-time with offset, e.g. {@code 2030-01-07T09:00:00-05:00}. */
    public OffsetDateTime requiredDateTime(String field) {
        String expected = "a date-time with offset like 2030-01-07T09:00:00-05:00";
        JsonNode v = required(field, expected);
        if (v.isTextual()) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(v.textValue());
                if (t.getYear() >= 1000 && t.getYear() <= 9999) { // beyond, zone arithmetic and SQL types overflow
                    return t;
                }
            } catch (DateTimeParseException e) {
                // reported below with the offending value
            }
        }
        throw invalid(field, v, expected);
    }

    private boolean present(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    private JsonNode required(String field, String expected) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new HttpError(400, "missing_field", field + ": missing (expected: " + expected + ")");
        }
        return v;
    }

    private static HttpError invalid(String field, JsonNode v, String expected) {
        String shown = v.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new HttpError(400, "invalid_field", field + ": " + shown + " (expected: " + expected + ")");
    }
}
