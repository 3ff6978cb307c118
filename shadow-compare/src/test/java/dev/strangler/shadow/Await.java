package dev.strangler.shadow;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until a deadline: tests never sleep for a fixed time. */
public final class Await {

    private Await() {
    }

    public static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10); // polling interval, not a wait for a result
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
