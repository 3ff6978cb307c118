package dev.strangler.shadow.redact;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Heuristics for patient data: field names that hold it, and value shapes that are it
 * wherever they appear. Deliberately greedy: a false positive costs a readable value in the
 * evidence, a false negative costs a patient's privacy.
 */
final class PhiPatterns {

    /** Value shapes, applied to every string (JSON values, text bodies, query values, headers, paths). */
    static final List<Pattern> VALUES = List.of(
            // US SSN 123-45-6789 (also with spaces)
            Pattern.compile("\\b\\d{3}[- ]\\d{2}[- ]\\d{4}\\b"),
            // e-mail
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"),
            // phone: (555) 123-4567, 555-123-4567, +1 555 123 4567, 555.123.4567
            Pattern.compile("(?<![\\w-])(?:\\+?\\d{1,3}[ .-]?)?\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]\\d{4}(?![\\w-])"),
            // calendar dates without a time (birth dates look like this; timestamps have a T or a time)
            Pattern.compile("\\b(?:18|19|20)\\d{2}-[01]\\d-[0-3]\\d\\b(?![T ]?\\d{1,2}:)"),
            Pattern.compile("\\b[01]?\\d/[0-3]?\\d/(?:18|19|20)\\d{2}\\b"),
            // street addresses: 42 Elm Street, 1600 Pennsylvania Ave
            Pattern.compile("\\b\\d{1,6}\\s+(?:[A-Z][A-Za-z]*\\.?\\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd"
                    + "|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Circle|Cir)\\b\\.?"));

    /** Name fragments marking a field / parameter / header as sensitive (after lower-casing, - and _ removed). */
    private static final List<String> FIELD_FRAGMENTS = List.of(
            "name", "birth", "dob", "ssn", "socialsecurity", "email", "mail", "phone", "mobile", "fax",
            "address", "street", "zip", "postal", "postcode", "city", "mrn", "medicalrecord", "insurance",
            "memberid", "patient", "diagnosis", "note");

    /** Field names containing a fragment but not about a person. */
    private static final Set<String> NOT_PERSONAL = Set.of(
            "hostname", "filename", "pathname", "typename", "classname", "servicename", "routename", "tablename",
            "patientcount");

    /** Headers whose values are credentials or identity. */
    static final Set<String> HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");

    private PhiPatterns() {
    }

    static boolean isSensitiveName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        if (NOT_PERSONAL.contains(n)) {
            return false;
        }
        for (String fragment : FIELD_FRAGMENTS) {
            if (n.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
