package dev.strangler.shadow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.noise.NoiseLearner;
import dev.strangler.shadow.noise.NoiseRule;
import dev.strangler.shadow.redact.EvidenceRedactor;
import dev.strangler.shadow.redact.RedactionConfig;
import dev.strangler.shadow.redact.Redactor;
import dev.strangler.shadow.store.ComparisonRecord;
import dev.strangler.shadow.store.ComparisonSink;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.Evidence;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The proxy's hand-off point for mirrored traffic.
 *
 * <h2>Contract for the proxy</h2>
 * <ol>
 *   <li>Per request, ask {@link #routeConfig(String)} → {@link ShadowRouteConfig#shouldMirror}
 *       whether to mirror, and {@link ShadowRouteConfig#shouldAskPrimaryTwice} whether to ask the
 *       primary a second time (noise learning). Mirror to the other side ({@link Primary#shadowOf})
 *       with {@code X-Strangler-Shadow: 1}, after the primary's response has been read.</li>
 *   <li>When the shadow answered, timed out or failed, build a {@link ShadowExchange} (copy
 *       the bytes out of Netty buffers and release those yourself) and call
 *       {@link #submit(ShadowExchange)} from any thread, including an event loop.</li>
 * </ol>
 * {@code submit} never blocks and never throws for a full queue: it enqueues the exchange on a
 * bounded queue in front of a fixed pool of worker threads and returns {@code true}, or drops
 * it, counts {@code strangler.shadow.drops{stage=queue}} and returns {@code false}. Workers
 * compare, learn noise, redact sampled evidence and hand a {@link ComparisonRecord} to the
 * sink (normally the {@code DiffStore}).
 */
public final class ShadowComparator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShadowComparator.class);

    private final ShadowComparatorConfig config;
    private final NormalizerRegistry normalizers;
    private final AtomicReference<Map<String, CompiledRoute>> routes = new AtomicReference<>(Map.of());
    private final ComparisonSink sink;
    private final EvidenceRedactor evidenceRedactor;
    private final Redactor redactor;
    private final EvidenceSampler sampler;
    private final NoiseLearner noise;
    private final ShadowMetrics metrics;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger waiting = new AtomicInteger(); // exchanges handed over, not yet taken by a worker

    private ShadowComparator(Builder b) {
        this.config = requireNonNull(b.config, "config");
        this.normalizers = requireNonNull(b.normalizers, "normalizers");
        this.sink = requireNonNull(b.sink, "sink");
        this.clock = requireNonNull(b.clock, "clock");
        MeterRegistry meters = requireNonNull(b.meters, "meters");
        this.redactor = new Redactor(requireNonNull(b.redaction, "redaction"));
        this.evidenceRedactor = new EvidenceRedactor(redactor, config.maxEvidenceBodyBytes());
        this.sampler = new EvidenceSampler(config.evidencePerFieldPerMinute());
        this.noise = new NoiseLearner(new NoiseRule(config.noiseRelativeThreshold(), config.noiseAbsoluteThreshold()));
        this.metrics = new ShadowMetrics(meters, noise);
        routes(b.routes);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "shadow-compare-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Fixed pool, no caller-runs. The bound is on exchanges (the waiting counter), not on queued
        // tasks: one task may carry a batch of exchanges (submitAll), so the task queue itself is never
        // the limit.
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), threads, new ThreadPoolExecutor.AbortPolicy());
        Gauge.builder("strangler.shadow.queue.size", waiting, AtomicInteger::get)
                .description("Mirrored exchanges waiting for a comparison worker").register(meters);
        log.info("shadow comparator started: {} workers, queue {}, {} routes, {}", config.workers(),
                config.queueCapacity(), b.routes.size(), b.redaction);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Replaces the route settings atomically (hot reload); exchanges already queued are compared
     * with the settings current when a worker picks them up.
     *
     * @throws IllegalArgumentException for duplicate routes or unknown normalisers; the old
     *                                  settings then stay in force
     */
    public void routes(List<ShadowRouteConfig> configs) {
        Map<String, CompiledRoute> compiled = new HashMap<>();
        for (ShadowRouteConfig c : configs) {
            if (compiled.put(c.route(), CompiledRoute.compile(c, normalizers)) != null) {
                throw new IllegalArgumentException("route " + c.route() + ": configured twice (expected: one shadow config per route)");
            }
        }
        routes.set(Map.copyOf(compiled));
    }

    /** The shadow settings of {@code route}, empty if the route is not mirrored. */
    public Optional<ShadowRouteConfig> routeConfig(String route) {
        CompiledRoute r = routes.get().get(route);
        return r == null ? Optional.empty() : Optional.of(r.config());
    }

    /**
     * Seeds noise learning of every configured route from the diff store (counters since
     * {@code window} ago), so known noise stays discounted across restarts. Blocking (JDBC):
     * call once at start, before traffic.
     */
    public void seedNoise(DiffQueries queries, Duration window) {
        Instant since = clock.instant().minus(window);
        for (String route : routes.get().keySet()) {
            DiffQueries.NoiseCounts counts = queries.noiseCounts(route, since);
            noise.seed(route, counts.primaryPairs(), counts.comparisons(), counts.fields());
        }
    }

    /** Live noise statistics (also behind {@code strangler.shadow.noise.fields}). */
    public NoiseLearner noise() {
        return noise;
    }

    /**
     * Queues {@code exchange} for comparison. Non-blocking, safe from any thread.
     *
     * @return false if the exchange was dropped (queue full, comparator closed, or the route has
     *         no shadow config) — counted in {@code strangler.shadow.drops}
     */
    public boolean submit(ShadowExchange exchange) {
        requireNonNull(exchange, "exchange");
        return submitAll(List.of(new Pending(exchange.routeId(), () -> exchange))) == 1;
    }

    /**
     * Like {@link #submit(ShadowExchange)}, but the exchange is built by the worker that compares
     * it: an event loop hands over what it captured (Netty headers, byte arrays) and the
     * conversion into a {@link ShadowExchange} happens off the event loop. {@code exchange} must
     * only read state that its caller no longer changes. Non-blocking, safe from any thread.
     *
     * @return false if dropped (queue full, comparator closed, or {@code routeId} has no shadow config)
     */
    public boolean submit(String routeId, Supplier<ShadowExchange> exchange) {
        return submitAll(List.of(new Pending(routeId, exchange))) == 1;
    }

    /**
     * Hands several exchanges over at once, as one task for one worker: an event loop collects what
     * finished during one pass over its ready connections and wakes a worker once for all of them,
     * instead of once per exchange (each wake-up is a futex call and, on a busy machine, a context
     * switch). The queue bound counts exchanges: what does not fit is dropped and counted, in order
     * (the last ones go). Non-blocking, safe from any thread.
     *
     * @return how many were queued
     */
    public int submitAll(List<Pending> batch) {
        Map<String, CompiledRoute> known = routes.get();
        List<Pending> accepted = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (known.containsKey(p.routeId())) {
                accepted.add(p);
            } else {
                metrics.unknownRouteDrops.increment();
            }
        }
        int n = reserve(accepted.size());
        if (n < accepted.size()) {
            metrics.queueDrops.increment(accepted.size() - n);
        }
        if (n == 0) {
            return 0;
        }
        List<Pending> taken = n == accepted.size() ? accepted : List.copyOf(accepted.subList(0, n));
        try {
            workers.execute(() -> {
                waiting.addAndGet(-n);
                for (Pending p : taken) {
                    compareSafely(p.routeId(), p.exchange());
                }
            });
            return n;
        } catch (RejectedExecutionException closed) {
            waiting.addAndGet(-n);
            metrics.queueDrops.increment(n);
            return 0;
        }
    }

    /** Takes room for up to {@code n} exchanges under the queue bound; returns how many fit. */
    private int reserve(int n) {
        while (n > 0) {
            int current = waiting.get();
            int fit = Math.min(n, config.queueCapacity() - current);
            if (fit <= 0) {
                return 0;
            }
            if (waiting.compareAndSet(current, current + fit)) {
                return fit;
            }
        }
        return 0;
    }

    /** One exchange of a {@link #submitAll} batch: its route and how the worker builds it. */
    public record Pending(String routeId, Supplier<ShadowExchange> exchange) {
        public Pending {
            requireNonNull(routeId, "routeId");
            requireNonNull(exchange, "exchange");
        }
    }

    /** Compares on the calling thread; what the workers run (also used by benchmarks and replay). */
    public ComparisonRecord compare(ShadowExchange exchange) {
        CompiledRoute route = routes.get().get(exchange.routeId());
        Instant at = clock.instant();
        if (route == null) {
            metrics.unknownRouteDrops.increment();
            return null;
        }
        if (exchange.shadowOutcome() != ShadowOutcome.RESPONDED) {
            ComparisonResult result = exchange.shadowOutcome() == ShadowOutcome.TIMEOUT
                    ? ComparisonResult.TIMEOUT : ComparisonResult.ERROR;
            return finish(new ComparisonRecord(exchange.routeId(), at, result, List.of(), List.of(), false, List.of(), null));
        }
        if (exchange.primary().bodyTruncated() || exchange.shadow().bodyTruncated()) {
            // A cut body cannot be compared honestly; an error, not a difference.
            return finish(new ComparisonRecord(exchange.routeId(), at, ComparisonResult.ERROR, List.of(), List.of(), false, List.of(), null));
        }
        List<String> pairFields = List.of();
        ShadowResponse second = exchange.secondPrimary();
        if (second != null && !second.bodyTruncated()) {
            pairFields = fields(safe(route.diff().diff(exchange.primary(), second, false)));
            noise.recordPrimaryPair(exchange.routeId(), pairFields);
        }
        // A route that copies both ways reports every exchange as the monolith's answer vs the
        // service's, whichever the client got: kinds, normalisers and stored examples stay one way round.
        if (route.config().primary() == Primary.EITHER && exchange.primarySide() == Side.TARGET) {
            exchange = legacyFirst(exchange);
        }
        List<Difference> differences = safe(route.diff().diff(exchange.primary(), exchange.shadow(), true));
        List<String> fields = fields(differences);
        noise.recordShadowComparison(exchange.routeId(), fields);
        List<String> noiseFields = new ArrayList<>();
        List<String> realFields = new ArrayList<>();
        for (String field : fields) {
            (noise.isNoise(exchange.routeId(), field) ? noiseFields : realFields).add(field);
        }
        ComparisonResult result = realFields.isEmpty() ? ComparisonResult.MATCH : ComparisonResult.MISMATCH;
        Evidence evidence = result == ComparisonResult.MISMATCH
                && sampler.take(exchange.routeId(), realFields, at.toEpochMilli())
                ? evidenceRedactor.redact(exchange, differences, at) : null;
        return finish(new ComparisonRecord(exchange.routeId(), at, result, differences, noiseFields,
                second != null, pairFields, evidence));
    }

    private static ShadowExchange legacyFirst(ShadowExchange e) {
        return new ShadowExchange(e.routeId(), e.method(), e.path(), e.query(), e.requestHeaders(), e.requestBody(),
                e.shadow(), ShadowOutcome.RESPONDED, e.primary(), e.secondPrimary(), e.startedAt(), Side.LEGACY);
    }

    private ComparisonRecord finish(ComparisonRecord record) {
        metrics.count(record.route(), record.result());
        sink.accept(record);
        return record;
    }

    private void compareSafely(String routeId, Supplier<ShadowExchange> exchange) {
        try {
            compare(exchange.get());
        } catch (RuntimeException e) {
            // The message may quote a body: log only the route and the exception type.
            metrics.count(routeId, ComparisonResult.ERROR);
            log.warn("shadow comparison failed on route {}: {}", routeId, e.getClass().getName());
        }
    }

    /** Pointers name object keys, which may be e-mails or SSNs: hash those before counting or storing. */
    private List<Difference> safe(List<Difference> differences) {
        List<Difference> out = null;
        for (int i = 0; i < differences.size(); i++) {
            Difference d = differences.get(i);
            String pointer = redactor.redactPointer(d.pointer());
            if (!pointer.equals(d.pointer())) {
                out = out == null ? new ArrayList<>(differences) : out;
                out.set(i, new Difference(pointer, d.kind()));
            }
        }
        return out == null ? differences : out;
    }

    private static List<String> fields(List<Difference> differences) {
        if (differences.isEmpty()) {
            return List.of();
        }
        Set<String> fields = new LinkedHashSet<>();
        for (Difference d : differences) {
            fields.add(d.field());
        }
        return List.copyOf(fields);
    }

    /** Stops taking exchanges, finishes the queued ones (waits up to 10 s). The sink is not closed. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("shadow comparator: {} exchanges not compared at shutdown", workers.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    /** Wires a comparator; config, redaction and sink are required. */
    public static final class Builder {
        private ShadowComparatorConfig config = ShadowComparatorConfig.defaults();
        private List<ShadowRouteConfig> routes = List.of();
        private NormalizerRegistry normalizers = NormalizerRegistry.empty();
        private ComparisonSink sink;
        private RedactionConfig redaction;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meters;

        private Builder() {
        }

        public Builder config(ShadowComparatorConfig config) {
            this.config = config;
            return this;
        }

        public Builder routes(List<ShadowRouteConfig> routes) {
            this.routes = List.copyOf(routes);
            return this;
        }

        public Builder normalizers(NormalizerRegistry normalizers) {
            this.normalizers = normalizers;
            return this;
        }

        public Builder sink(ComparisonSink sink) {
            this.sink = sink;
            return this;
        }

        public Builder redaction(RedactionConfig redaction) {
            this.redaction = redaction;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder meters(MeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        public ShadowComparator build() {
            return new ShadowComparator(this);
        }
    }
}
