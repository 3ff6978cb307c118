package dev.strangler.shadow;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps stored examples at {@code perMinute} per route and field per minute, so the top
 * differences get evidence without every mismatch paying for redaction and storage.
 * Thread-safe; forgets everything when the minute changes.
 */
final class EvidenceSampler {

    private final int perMinute;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private volatile long minute = Long.MIN_VALUE;

    EvidenceSampler(int perMinute) {
        this.perMinute = perMinute;
    }

    /** True (and counted) if one of {@code fields} still has room this minute. */
    boolean take(String route, Collection<String> fields, long epochMillis) {
        long now = epochMillis / 60_000;
        if (now != minute) {
            synchronized (this) {
                if (now != minute) {
                    counts.clear();
                    minute = now;
                }
            }
        }
        boolean wanted = false;
        for (String field : fields) {
            String key = route + '\u0001' + field;
            int before = counts.getOrDefault(key, 0);
            if (before < perMinute) {
                counts.merge(key, 1, Integer::sum);
                wanted = true;
            }
        }
        return wanted;
    }
}
