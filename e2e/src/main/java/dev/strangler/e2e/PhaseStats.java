package dev.strangler.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every client outcome of one drill phase, with latency. Failures are kept as a count per kind
 * ("GET 503 circuit_open", "POST transport ConnectException"): status and error code only, never
 * a path, id or body (patient data).
 */
public final class PhaseStats {

    private final String name;
    private final LongAdder readsOk = new LongAdder();
    private final LongAdder readsFailed = new LongAdder();
    private final LongAdder writesAcked = new LongAdder();
    private final LongAdder writesRejected = new LongAdder();
    private final LongAdder writesUnknown = new LongAdder();
    private final LongAdder writesFailed = new LongAdder();
    private final Map<String, Long> failureKinds = new TreeMap<>();
    private long[] latenciesMicros = new long[1024];
    private int latencyCount;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile String note = "";
    private final java.util.concurrent.atomic.AtomicLong lagPeakMs = new java.util.concurrent.atomic.AtomicLong(-1);

    PhaseStats(String name) {
        this.name = name;
    }

    void begin() {
        startNanos = System.nanoTime();
    }

    void end() {
        endNanos = System.nanoTime();
    }

    private volatile long fallbacks;

    void fallbacks(long n) {
        fallbacks = n;
    }

    /** Requests the proxies replayed on the monolith during the phase (all reasons but stale connections). */
    public long fallbacks() {
        return fallbacks;
    }

    void lag(long ms) {
        lagPeakMs.accumulateAndGet(ms, Math::max);
    }

    /** Highest CDC lag (either direction) sampled during the phase, -1 if none was. */
    public long lagPeakMs() {
        return lagPeakMs.get();
    }

    void note(String text) {
        note = text;
    }

    void read(boolean ok, long micros, String failureKind) {
        (ok ? readsOk : readsFailed).increment();
        record(micros, ok ? null : failureKind);
    }

    void writeAcked(long micros) {
        writesAcked.increment();
        record(micros, null);
    }

    void writeRejected(long micros) {
        writesRejected.increment();
        record(micros, null);
    }

    void writeUnknown(long micros, String kind) {
        writesUnknown.increment();
        record(micros, null);
        synchronized (this) {
            failureKinds.merge("(documented) " + kind, 1L, Long::sum);
        }
    }

    void writeFailed(long micros, String failureKind) {
        writesFailed.increment();
        record(micros, failureKind);
    }

    private synchronized void record(long micros, String failureKind) {
        if (latencyCount == latenciesMicros.length) {
            latenciesMicros = Arrays.copyOf(latenciesMicros, latencyCount * 2);
        }
        latenciesMicros[latencyCount++] = micros;
        if (failureKind != null) {
            failureKinds.merge(failureKind, 1L, Long::sum);
        }
    }

    public String name() {
        return name;
    }

    public long readsOk() {
        return readsOk.sum();
    }

    /** GETs that got a 5xx or no answer: must be 0. */
    public long readsFailed() {
        return readsFailed.sum();
    }

    public long writesAcked() {
        return writesAcked.sum();
    }

    /** Writes answered 4xx (e.g. 409 slot taken by another patient): the business said no, nothing lost. */
    public long writesRejected() {
        return writesRejected.sum();
    }

    /** Writes answered with the documented 502/504 {@code "outcome":"unknown"} (client must check). */
    public long writesUnknown() {
        return writesUnknown.sum();
    }

    /** Writes that got any other 5xx or no answer: must be 0. */
    public long writesFailed() {
        return writesFailed.sum();
    }

    public long requests() {
        return readsOk() + readsFailed() + writesAcked() + writesRejected() + writesUnknown() + writesFailed();
    }

    /** Failure kinds with counts (documented outcome-unknown answers prefixed "(documented)"). */
    public synchronized Map<String, Long> failureKinds() {
        return new TreeMap<>(failureKinds);
    }

    public String note() {
        return note;
    }

    /** Wall time of the phase, action included. */
    public double seconds() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return (end - startNanos) / 1e9;
    }

    /** Latency percentile in milliseconds (nearest rank), 0 without requests. */
    public synchronized double percentileMillis(double p) {
        if (latencyCount == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latenciesMicros, latencyCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(rank, sorted.length - 1))] / 1000.0;
    }

    /** All phases' failure kinds in one list of lines, for assertion messages. */
    static List<String> describeFailures(List<PhaseStats> phases) {
        List<String> lines = new ArrayList<>();
        for (PhaseStats p : phases) {
            p.failureKinds().forEach((k, v) -> lines.add(p.name() + ": " + v + " × " + k));
        }
        return lines;
    }
}
