package dev.strangler.cli;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline: the CLI's tests never wait a fixed time for a result. */
public final class Await {

    private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

    private Await() {
    }

    public static void await(Duration timeout, BooleanSupplier condition) {
        await(timeout, condition, () -> "condition not met within " + timeout);
    }

    /** As {@link #await(Duration, BooleanSupplier)}; {@code failure} words the assertion error (evaluated only on timeout). */
    public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted while waiting: " + failure.get());
            }
        }
    }
}
