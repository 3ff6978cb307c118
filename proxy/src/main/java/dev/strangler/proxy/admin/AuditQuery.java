package dev.strangler.proxy.admin;

import java.time.Instant;

/**
 * Which audit entries to return: all filters optional (null / 0 = no filter). When more than
 * {@code limit} entries match, the newest {@code limit} are returned, oldest first.
 *
 * @param route    only entries of this route id
 * @param since    only entries with {@code time >= since}
 * @param afterSeq  only entries with {@code seq > afterSeq}
 * @param beforeSeq only entries with {@code seq < beforeSeq} (0: no bound); pages backwards
 *                  through a log longer than {@link #MAX_LIMIT}
 * @param limit     at most this many, 1..10000
 */
public record AuditQuery(String route, Instant since, long afterSeq, long beforeSeq, int limit) {

    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 10_000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
        }
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq: " + afterSeq + " (expected: >= 0)");
        }
        if (beforeSeq < 0) {
            throw new IllegalArgumentException("beforeSeq: " + beforeSeq + " (expected: >= 0, 0 = no bound)");
        }
    }

    /** Without an upper seq bound. */
    public AuditQuery(String route, Instant since, long afterSeq, int limit) {
        this(route, since, afterSeq, 0, limit);
    }

    /** The newest {@code limit} entries, no filter. */
    public static AuditQuery newest(int limit) {
        return new AuditQuery(null, null, 0, limit);
    }

    /** Whether {@code e} passes the filters (not the limit). */
    public boolean matches(AuditEntry e) {
        return (route == null || route.equals(e.route()))
                && (since == null || !e.time().isBefore(since))
                && e.seq() > afterSeq
                && (beforeSeq == 0 || e.seq() < beforeSeq);
    }
}
