package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where a fleet of proxies keeps its shared, mutable route state (weights, per-route versions) and
 * the audit log: a PostgreSQL database every proxy follows with LISTEN/NOTIFY. Off when
 * {@code jdbcUrl} is null: the proxy then keeps weights in {@code state.stateFile} and the audit log
 * in {@code state.auditLog}, as a single proxy always did.
 *
 * <p>Set by {@code --control-db}, else {@code STRANGLER_CONTROL_DB}, else the config key
 * {@code controlPlane.jdbcUrl} (first one given wins).
 *
 * @param jdbcUrl             {@code jdbc:postgresql://host:port/db?user=…}, or null for "no control plane"
 * @param connectTimeout      how long a mutation waits for a database connection before answering 503
 * @param reconnectMaxBackoff upper bound of the (exponential, jittered) wait between reconnect attempts
 */
public record ControlPlaneConfig(String jdbcUrl, Duration connectTimeout, Duration reconnectMaxBackoff) {

    /** No control plane: state file and audit.jsonl. */
    public static final ControlPlaneConfig OFF = new ControlPlaneConfig(null, Duration.ofSeconds(2), Duration.ofSeconds(5));

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]+:)[^/@]*@");

    public ControlPlaneConfig {
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(reconnectMaxBackoff, "reconnectMaxBackoff");
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("controlPlane.jdbcUrl: '" + masked(jdbcUrl)
                    + "' (expected: jdbc:postgresql://host:port/database?user=NAME)");
        }
        if (connectTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("controlPlane.connectTimeout: " + connectTimeout + " (expected: >= 250ms)");
        }
        if (reconnectMaxBackoff.toMillis() < 100) {
            throw new IllegalArgumentException("controlPlane.reconnectMaxBackoff: " + reconnectMaxBackoff
                    + " (expected: >= 100ms)");
        }
    }

    /** Whether a control-plane database is configured. */
    public boolean enabled() {
        return jdbcUrl != null;
    }

    /** The same settings with another JDBC URL (the CLI's flag or environment variable). */
    public ControlPlaneConfig withJdbcUrl(String url) {
        return new ControlPlaneConfig(url, connectTimeout, reconnectMaxBackoff);
    }

    /** The JDBC URL with any password replaced by {@code ****}, for logs and errors. */
    public String maskedUrl() {
        return jdbcUrl == null ? "none" : masked(jdbcUrl);
    }

    static String masked(String url) {
        return USER_INFO.matcher(PASSWORD_PARAM.matcher(url).replaceAll("$1****")).replaceAll("$1****@");
    }

    @Override
    public String toString() {
        return "ControlPlaneConfig{jdbcUrl=" + maskedUrl() + ", connectTimeout=" + connectTimeout
                + ", reconnectMaxBackoff=" + reconnectMaxBackoff + "}";
    }
}
