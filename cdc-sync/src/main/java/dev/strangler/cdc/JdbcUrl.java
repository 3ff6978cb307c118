package dev.strangler.cdc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL JDBC URL taken apart: Debezium wants host, port, database, user and password
 * as separate settings.
 */
public record JdbcUrl(String host, int port, String database, String user, String password) {

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]+)(?:\\?(.*))?");

    /** Parses {@code jdbc:postgresql://host[:port]/db[?user=u&password=p]}. */
    public static JdbcUrl parse(String url) {
        Matcher m = URL.matcher(url == null ? "" : url);
        if (!m.matches()) {
            throw new IllegalArgumentException("JDBC URL: '" + mask(url)
                    + "' (expected: jdbc:postgresql://host[:port]/database[?user=u&password=p])");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group(4) != null) {
            for (String kv : m.group(4).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    params.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return new JdbcUrl(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), m.group(3),
                params.getOrDefault("user", "postgres"), params.getOrDefault("password", ""));
    }

    /** The URL with any password replaced by {@code ***}. */
    public static String mask(String url) {
        return url == null ? null : url.replaceAll("(password=)[^&]*", "$1***");
    }

    /** Opens a plain connection (no pool): syncers hold one dedicated apply connection. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }

    /**
     * Opens an apply connection: strings are sent untyped ({@code stringtype=unspecified}) so the
     * server casts them to the column's type (numeric, uuid, json, enums arrive from Debezium as text),
     * and batched inserts are rewritten into multi-row statements.
     */
    public static Connection connectForApply(String url) throws SQLException {
        return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                + "stringtype=unspecified&reWriteBatchedInserts=true");
    }
}
