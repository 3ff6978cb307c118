package dev.strangler.cli.runbook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus names the project's meters are exported under, derived from the sources: every
 * {@code Counter/Gauge/Timer.builder("strangler....")} in the modules' main code is registered
 * again, with its declared base unit and percentile options, in a real
 * {@link PrometheusMeterRegistry}, and the names are read from its scrape. So the dashboard and
 * alerts are checked against micrometer's own naming, not a hand-written copy of it.
 */
final class ExportedMetrics {

    /** Modules whose meters are scraped (relative to the cli module). */
    static final List<Path> MODULES = List.of(Path.of("..", "proxy"), Path.of("..", "cdc-sync"),
            Path.of("..", "shadow-compare"));

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|Gauge|Timer)\\.builder\\(\\s*\"(strangler\\.[a-z0-9_.]+)\"");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([a-z]+)\"\\s*\\)");

    /** One meter declaration found in the sources. */
    record Declared(String type, String name, String baseUnit, boolean histogram, boolean percentiles, Path file) {
    }

    private ExportedMetrics() {
    }

    /** Every meter declaration in {@link #MODULES}' {@code src/main/java}. */
    static List<Declared> declared() {
        List<Declared> found = new ArrayList<>();
        for (Path module : MODULES) {
            try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(file);
                    Matcher m = BUILDER.matcher(src);
                    while (m.find()) {
                        int end = src.indexOf(".register(", m.end());
                        String statement = src.substring(m.end(), end < 0 ? src.length() : end);
                        Matcher unit = BASE_UNIT.matcher(statement);
                        found.add(new Declared(m.group(1), m.group(2), unit.find() ? unit.group(1) : null,
                                statement.contains("publishPercentileHistogram"),
                                statement.contains("publishPercentiles"), file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading sources of " + module, e);
            }
        }
        return found;
    }

    /** The metric names a Prometheus scrape of these meters contains (e.g. {@code strangler_proxy_requests_total}). */
    static Set<String> prometheusNames(List<Declared> meters) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (Declared d : meters) {
            // One tag set per name: Prometheus requires the same label names for every series of a metric.
            switch (d.type()) {
                case "Counter" -> Counter.builder(d.name()).baseUnit(d.baseUnit()).register(registry).increment();
                case "Gauge" -> Gauge.builder(d.name(), () -> 1).baseUnit(d.baseUnit()).register(registry);
                case "Timer" -> {
                    Timer.Builder t = Timer.builder(d.name());
                    if (d.histogram()) {
                        t.publishPercentileHistogram();
                    }
                    if (d.percentiles()) {
                        t.publishPercentiles(0.5, 0.99);
                    }
                    t.register(registry).record(Duration.ofMillis(3));
                }
                default -> throw new IllegalStateException("meter type " + d.type());
            }
        }
        Set<String> names = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int cut = line.indexOf('{');
                names.add(line.substring(0, cut >= 0 ? cut : line.indexOf(' ')));
            }
        }
        registry.close();
        return names;
    }

    /** {@code strangler_*} metric names used in a PromQL expression. */
    static Set<String> usedIn(String promql) {
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\bstrangler_[a-z0-9_]+").matcher(promql);
        while (m.find()) {
            used.add(m.group());
        }
        return used;
    }
}
