package dev.strangler.shadow.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's static files (HTML, JS, CSS) served from this jar: no CDN, works offline.
 * Loaded once at construction.
 */
public final class DashboardResources {

    private static final String BASE = "/dev/strangler/shadow/dashboard/";

    private final Map<String, HttpAnswer> files;

    public DashboardResources() {
        this.files = Map.of(
                "/dashboard", load("index.html", "text/html; charset=utf-8"),
                "/dashboard/", load("index.html", "text/html; charset=utf-8"),
                "/dashboard/app.js", load("app.js", "application/javascript; charset=utf-8"),
                "/dashboard/app.css", load("app.css", "text/css; charset=utf-8"));
    }

    /** The file at {@code path} (no query string), if it is one of the dashboard's. */
    public Optional<HttpAnswer> find(String path) {
        return Optional.ofNullable(files.get(path));
    }

    private static HttpAnswer load(String name, String contentType) {
        try (InputStream in = DashboardResources.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + BASE + name + " missing from the jar");
            }
            return new HttpAnswer(200, contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading dashboard resource " + name, e);
        }
    }
}
