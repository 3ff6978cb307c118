package dev.strangler.shadow.redact;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import static java.util.Objects.requireNonNull;

/**
 * How evidence is redacted before it is stored.
 *
 * @param hmacKey          operator-supplied secret (at least 16 bytes) keying HMAC-SHA256;
 *                         the same key gives the same hash for the same value, so equal values
 *                         still correlate across evidence; masked in {@link #toString()}
 * @param sensitiveFields  JSON field / query parameter names always hashed, in addition to the
 *                         built-in heuristics (names, birth dates, SSN, phone, email, address)
 * @param sensitiveHeaders header names always hashed, in addition to authorization, cookie,
 *                         set-cookie, proxy-authorization and x-api-key
 * @param detectValues     also hash values that look like SSNs, emails, phone numbers, dates
 *                         and street addresses wherever they appear (default true)
 */
@JsonDeserialize(builder = RedactionConfig.Builder.class)
public record RedactionConfig(byte[] hmacKey, Set<String> sensitiveFields, Set<String> sensitiveHeaders,
                              boolean detectValues) {

    /** Minimum key length: HMAC-SHA256 keys shorter than this are easy to brute-force. */
    public static final int MIN_KEY_BYTES = 16;

    public RedactionConfig {
        requireNonNull(hmacKey, "hmacKey (expected: a secret of at least 16 bytes, e.g. from STRANGLER_SHADOW_HMAC_KEY)");
        if (hmacKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("hmacKey: " + hmacKey.length + " bytes (expected: at least "
                    + MIN_KEY_BYTES + ")");
        }
        hmacKey = hmacKey.clone();
        sensitiveFields = lower(requireNonNull(sensitiveFields, "sensitiveFields"));
        sensitiveHeaders = lower(requireNonNull(sensitiveHeaders, "sensitiveHeaders"));
    }

    private static Set<String> lower(Set<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public byte[] hmacKey() {
        return hmacKey.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "RedactionConfig[hmacKey=****, sensitiveFields=" + sensitiveFields
                + ", sensitiveHeaders=" + sensitiveHeaders + ", detectValues=" + detectValues + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedactionConfig other && java.util.Arrays.equals(hmacKey, other.hmacKey)
                && sensitiveFields.equals(other.sensitiveFields) && sensitiveHeaders.equals(other.sensitiveHeaders)
                && detectValues == other.detectValues;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(hmacKey) * 31 + sensitiveFields.hashCode();
    }

    /** Builder; Jackson binds through it ({@code hmacKey} as a string, UTF-8). */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private byte[] hmacKey;
        private Set<String> sensitiveFields = Set.of();
        private Set<String> sensitiveHeaders = Set.of();
        private boolean detectValues = true;

        public Builder hmacKey(String key) {
            this.hmacKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder hmacKeyBytes(byte[] key) {
            this.hmacKey = key;
            return this;
        }

        public Builder sensitiveFields(Set<String> names) {
            this.sensitiveFields = names;
            return this;
        }

        public Builder sensitiveHeaders(Set<String> names) {
            this.sensitiveHeaders = names;
            return this;
        }

        public Builder detectValues(boolean detect) {
            this.detectValues = detect;
            return this;
        }

        public RedactionConfig build() {
            return new RedactionConfig(hmacKey, sensitiveFields, sensitiveHeaders, detectValues);
        }
    }
}
