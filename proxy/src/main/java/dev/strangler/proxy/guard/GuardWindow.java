package dev.strangler.proxy.guard;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Sliding window of one route's target answers: a ring of one-second buckets, each holding the
 * answer count, the 5xx count, the count slower than the guard's {@code maxP99} and a coarse
 * log-linear latency histogram (four sub-buckets per power of two of microseconds, like
 * HdrHistogram with two significant bits: at most 25 % high). Recording is lock-free and allocates
 * nothing; a bucket is cleared by the first recorder of a new second. Recorded from every I/O
 * thread; read by the guard's evaluator once a second.
 */
public final class GuardWindow {

    private static final int COUNT = 0;
    private static final int ERRORS = 1;
    private static final int SLOW = 2;
    private static final int HIST = 3;
    /** Latency histogram slots: 0..3 µs exact, then 4 per power of two up to 2^40 µs. */
    static final int SLOTS = 4 + 38 * 4;

    private final int seconds;
    private final long slowNanos;
    private final LongSupplier nanoTime;
    private final Bucket[] ring;

    /**
     * @param windowSeconds buckets kept (the window)
     * @param slowNanos     answers slower than this count as "slow" (the p99 bound); Long.MAX_VALUE: none
     * @param nanoTime      monotonic clock ({@code System::nanoTime}; tests pass their own)
     */
    public GuardWindow(int windowSeconds, long slowNanos, LongSupplier nanoTime) {
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("windowSeconds: " + windowSeconds + " (expected: >= 1)");
        }
        this.seconds = windowSeconds;
        this.slowNanos = slowNanos;
        this.nanoTime = nanoTime;
        this.ring = new Bucket[windowSeconds];
        for (int i = 0; i < windowSeconds; i++) {
            ring[i] = new Bucket();
        }
    }

    /** Records one answer of the target: its status and its latency. */
    public void record(int status, long nanos) {
        long second = TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong());
        Bucket b = ring[(int) Math.floorMod(second, (long) seconds)];
        if (b.second != second) {
            b.roll(second);
        }
        AtomicLongArray c = b.counts;
        c.incrementAndGet(COUNT);
        if (status >= 500) {
            c.incrementAndGet(ERRORS);
        }
        if (nanos > slowNanos) {
            c.incrementAndGet(SLOW);
        }
        c.incrementAndGet(HIST + slot(nanos));
    }

    /** Forgets everything recorded so far (the guard re-arms with a fresh window). */
    public void reset() {
        for (Bucket b : ring) {
            b.roll(Long.MIN_VALUE);
        }
    }

    /** Totals over the last {@code windowSeconds} seconds, this one included. */
    public Snapshot snapshot() {
        long now = TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong());
        long count = 0;
        long errors = 0;
        long slow = 0;
        long[] hist = new long[SLOTS];
        for (Bucket b : ring) {
            long s = b.second;
            if (s == Long.MIN_VALUE || s <= now - seconds || s > now) {
                continue;
            }
            AtomicLongArray c = b.counts;
            count += c.get(COUNT);
            errors += c.get(ERRORS);
            slow += c.get(SLOW);
            for (int i = 0; i < SLOTS; i++) {
                hist[i] += c.get(HIST + i);
            }
        }
        return new Snapshot(count, errors, slow, p99Nanos(hist, count));
    }

    /** Window totals. {@code p99Nanos} is the upper bound of the histogram slot holding the p99 (-1 when empty). */
    public record Snapshot(long requests, long errors, long slow, long p99Nanos) {

        public double errorRatio() {
            return requests == 0 ? 0 : (double) errors / requests;
        }

        /** True when the nearest-rank p99 is above the slow bound (exact, from the slow count). */
        public boolean p99AboveBound() {
            long rank = (long) Math.ceil(0.99 * requests);
            return requests > 0 && requests - slow < rank;
        }
    }

    static int slot(long nanos) {
        long us = nanos / 1000;
        if (us < 4) {
            return (int) Math.max(0, us);
        }
        int exp = 63 - Long.numberOfLeadingZeros(us); // floor(log2(us)) >= 2
        int sub = (int) ((us >>> (exp - 2)) & 3);
        return Math.min(SLOTS - 1, 4 + (exp - 2) * 4 + sub);
    }

    /** Exclusive upper bound of a slot, in nanoseconds. */
    static long slotUpperNanos(int slot) {
        if (slot < 4) {
            return (slot + 1) * 1000L;
        }
        int exp = (slot - 4) / 4 + 2;
        int sub = (slot - 4) % 4;
        return ((4L + sub + 1) << (exp - 2)) * 1000L;
    }

    private static long p99Nanos(long[] hist, long count) {
        if (count == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(0.99 * count);
        long seen = 0;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= rank) {
                return slotUpperNanos(i);
            }
        }
        return slotUpperNanos(hist.length - 1); // counts raced ahead of the histogram while reading
    }

    /** One second of answers. */
    private static final class Bucket {
        volatile long second = Long.MIN_VALUE;
        final AtomicLongArray counts = new AtomicLongArray(HIST + SLOTS);

        /** Clears the bucket for {@code newSecond}; once per second, so a lock is cheap here. */
        synchronized void roll(long newSecond) {
            if (second == newSecond) {
                return; // another I/O thread rolled it first
            }
            second = Long.MIN_VALUE; // readers skip the bucket while it is being cleared
            for (int i = 0; i < counts.length(); i++) {
                counts.set(i, 0);
            }
            second = newSecond;
        }
    }
}
