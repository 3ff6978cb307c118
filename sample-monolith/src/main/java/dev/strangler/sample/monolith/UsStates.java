package dev.strangler.sample.monolith;

import dev.strangler.sample.http.HttpError;
import java.util.Locale;
import java.util.Set;

/** Two-letter codes of the 50 states and DC: the jurisdictions licences are issued for. */
final class UsStates {

    private static final Set<String> CODES = Set.of("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL",
            "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT",
            "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX",
            "UT", "VT", "VA", "WA", "WV", "WI", "WY");

    private UsStates() {
    }

    /** The upper-case code; 400 naming {@code field} when it is not a US state. */
    static String check(String field, String value) {
        String code = value.strip().toUpperCase(Locale.ROOT);
        if (!CODES.contains(code)) {
            throw new HttpError(400, "invalid_field", field + ": '" + value
                    + "' (expected: a two-letter US state code such as CA)");
        }
        return code;
    }
}
