package dev.strangler.proxy.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.proxy.admin.RouteController;
import dev.strangler.proxy.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic rollback. Each guarded route has a {@link GuardWindow} fed with its target's answers; once
 * a second the evaluator checks every armed route whose weight is above 0, and when the window holds
 * at least {@code minRequests} answers with too many errors or too high a p99, it rolls the route
 * back through the {@link RouteController} (audit action {@code auto-rollback}, actor {@code guard}),
 * counts {@code strangler.proxy.auto.rollbacks{route}} and logs one WARN line (figures only).
 *
 * <p>No flapping: a tripped guard stays disarmed while the route's weight is 0. It re-arms, with an
 * empty window, when the weight rises above 0 again, which only an operator (or the ramp) does.
 * Routes without a guard are not measured at all.
 */
public final class RouteGuards implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteGuards.class);

    private final Map<String, Guarded> guarded = new LinkedHashMap<>();
    private final RouteController controller;
    private final ScheduledExecutorService evaluator;

    /**
     * @param guards     guard config by route id (routes must exist in the controller's table)
     * @param controller performs the rollback (blocking file or database I/O: never on an event loop)
     * @param registry   where the auto-rollback counters go
     * @param nanoTime   monotonic clock of the windows
     */
    public RouteGuards(Map<String, GuardConfig> guards, RouteController controller, MeterRegistry registry,
                       LongSupplier nanoTime) {
        this.controller = controller;
        for (Map.Entry<String, GuardConfig> e : guards.entrySet()) {
            Route route = controller.current().route(e.getKey()).orElseThrow(() ->
                    new IllegalArgumentException("guard for route '" + e.getKey() + "': no such route"));
            GuardConfig g = e.getValue();
            long slow = g.maxP99() == null ? Long.MAX_VALUE : g.maxP99().toNanos();
            Counter trips = Counter.builder("strangler.proxy.auto.rollbacks")
                    .description("Routes rolled back to weight 0 by their guard")
                    .tag("route", route.id()).register(registry);
            guarded.put(route.id(), new Guarded(route.id(), route.target(), g,
                    new GuardWindow((int) g.window().getSeconds(), slow, nanoTime), trips, route.weightBps()));
        }
        this.evaluator = guarded.isEmpty() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strangler-guard");
            t.setDaemon(true);
            return t;
        });
    }

    /** Evaluates every guard once a second until {@link #close()}. */
    public RouteGuards start() {
        if (evaluator != null) {
            evaluator.scheduleWithFixedDelay(this::evaluateSafely, 1, 1, TimeUnit.SECONDS);
            LOG.info("guards on routes {}", guarded.keySet());
        }
        return this;
    }

    /**
     * The window to record {@code route}'s answers from {@code backend} into, or null when that pair
     * is not guarded (legacy answers, unguarded routes). Looked up once per pair, not per request.
     */
    public GuardWindow window(String route, String backend) {
        Guarded g = guarded.get(route);
        return g != null && g.target.equals(backend) ? g.window : null;
    }

    /** Whether {@code route}'s guard is armed now (false when tripped and not yet re-armed). */
    public boolean armed(String route) {
        Guarded g = guarded.get(route);
        return g != null && g.armed;
    }

    /** One evaluation round (the scheduler calls it every second; tests may call it directly). */
    public synchronized void evaluate() {
        for (Guarded g : guarded.values()) {
            int weight = controller.current().route(g.route).map(Route::weightBps).orElse(0);
            if (weight > 0 && g.lastWeight == 0) {
                g.window.reset(); // weight raised again (an operator acted): fresh window, armed
                if (!g.armed) {
                    LOG.info("guard on route {} re-armed: weight set to {} bps", g.route, weight);
                }
                g.armed = true;
            }
            g.lastWeight = weight;
            if (!g.armed || weight == 0) {
                continue;
            }
            GuardWindow.Snapshot s = g.window.snapshot();
            if (s.requests() < g.config.minRequests()) {
                continue;
            }
            boolean errors = s.errorRatio() > g.config.maxErrorRatio();
            boolean slow = g.config.maxP99() != null && s.p99AboveBound();
            if (errors || slow) {
                trip(g, s, weight, errors, slow);
            }
        }
    }

    private void trip(Guarded g, GuardWindow.Snapshot s, int weight, boolean errors, boolean slow) {
        g.armed = false;
        g.lastWeight = 0;
        String figures = figures(g, s, errors, slow);
        try {
            controller.autoRollback(g.route, "guard tripped: " + figures, details(g, s, weight, errors, slow));
        } catch (RuntimeException e) {
            // The table swap happens before persisting: the route is at 0 even when the audit write failed.
            LOG.error("guard on route {}: rollback not fully recorded: {}", g.route, e.getMessage());
        }
        g.trips.increment();
        LOG.warn("guard tripped on route {}: {}; weight {} -> 0 bps, stays there until an operator sets a weight",
                g.route, figures, weight);
    }

    static String figures(Guarded g, GuardWindow.Snapshot s, boolean errors, boolean slow) {
        GuardConfig c = g.config;
        StringBuilder b = new StringBuilder();
        b.append(errors ? "error ratio " : "error ratio ok ")
                .append(String.format(Locale.ROOT, "%.4f", s.errorRatio()))
                .append(" (").append(s.errors()).append('/').append(s.requests())
                .append(", max ").append(String.format(Locale.ROOT, "%.4f", c.maxErrorRatio())).append(')');
        if (c.maxP99() != null) {
            b.append(slow ? ", p99 " : ", p99 ok ").append(slow ? "> " : "<= ").append(c.maxP99().toMillis())
                    .append(" ms (est. ").append(s.p99Nanos() / 1_000_000.0).append(" ms, ")
                    .append(s.slow()).append(" slower)");
        }
        b.append(" over the last ").append(c.window().getSeconds()).append(" s of target '").append(g.target)
                .append("' answers (minRequests ").append(c.minRequests()).append(')');
        return b.toString();
    }

    /** The window's figures as audit details (numbers a tool can read back). */
    static ObjectNode details(Guarded g, GuardWindow.Snapshot s, int weight, boolean errors, boolean slow) {
        GuardConfig c = g.config;
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        ArrayNode why = d.putArray("tripped");
        if (errors) {
            why.add("maxErrorRatio");
        }
        if (slow) {
            why.add("maxP99");
        }
        d.put("target", g.target);
        d.put("windowSeconds", c.window().getSeconds());
        d.put("requests", s.requests());
        d.put("errors", s.errors());
        d.put("errorRatio", s.errorRatio());
        d.put("maxErrorRatio", c.maxErrorRatio());
        d.put("slowerThanMaxP99", s.slow());
        d.put("p99EstimateMs", s.p99Nanos() / 1_000_000.0);
        if (c.maxP99() != null) {
            d.put("maxP99Ms", c.maxP99().toMillis());
        } else {
            d.putNull("maxP99Ms");
        }
        d.put("minRequests", c.minRequests());
        d.put("weightBeforeBps", weight);
        return d;
    }

    private void evaluateSafely() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.error("guard evaluation failed: {}", e.toString()); // next round runs anyway
        }
    }

    @Override
    public void close() {
        if (evaluator != null) {
            evaluator.shutdownNow();
        }
    }

    /** State of one guarded route; mutated only under the evaluator's lock. */
    static final class Guarded {
        final String route;
        final String target;
        final GuardConfig config;
        final GuardWindow window;
        final Counter trips;
        volatile boolean armed = true;
        int lastWeight;

        Guarded(String route, String target, GuardConfig config, GuardWindow window, Counter trips, int weight) {
            this.route = route;
            this.target = target;
            this.config = config;
            this.window = window;
            this.trips = trips;
            this.lastWeight = weight;
        }
    }
}
