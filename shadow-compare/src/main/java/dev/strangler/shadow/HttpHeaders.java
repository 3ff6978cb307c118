package dev.strangler.shadow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Immutable HTTP headers with lower-cased names (HTTP names are case-insensitive), in the
 * order first seen. Built by the proxy from its Netty headers with {@link #builder()}.
 */
public final class HttpHeaders {

    private static final HttpHeaders EMPTY = new HttpHeaders(Map.of());

    private final Map<String, List<String>> byName;

    private HttpHeaders(Map<String, List<String>> byName) {
        this.byName = byName;
    }

    public static HttpHeaders empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Headers from a map; names are lower-cased, values kept in order. */
    @JsonCreator
    public static HttpHeaders of(Map<String, List<String>> headers) {
        Builder builder = builder();
        headers.forEach((name, values) -> values.forEach(v -> builder.add(name, v)));
        return builder.build();
    }

    /** Every header as lower-case name → values (also its JSON form). */
    @JsonValue
    public Map<String, List<String>> asMap() {
        return byName;
    }

    /** All values of {@code name}, joined with ", " as HTTP allows; null when absent. */
    public String get(String name) {
        List<String> values = byName.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : String.join(", ", values);
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    @Override
    public String toString() {
        // Names only: values may carry credentials or patient data.
        return "HttpHeaders" + byName.keySet();
    }

    /** Accumulates headers; not thread-safe. */
    public static final class Builder {
        private final Map<String, List<String>> byName = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder add(String name, String value) {
            byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
            return this;
        }

        public HttpHeaders build() {
            if (byName.isEmpty()) {
                return EMPTY;
            }
            Map<String, List<String>> copy = new LinkedHashMap<>();
            byName.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new HttpHeaders(Collections.unmodifiableMap(copy));
        }
    }
}
