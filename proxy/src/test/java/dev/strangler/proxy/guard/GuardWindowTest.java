package dev.strangler.proxy.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GuardWindowTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
    private final GuardWindow window = new GuardWindow(10, TimeUnit.MILLISECONDS.toNanos(800), now::get);

    private static long ms(long v) {
        return TimeUnit.MILLISECONDS.toNanos(v);
    }

    @Test
    void countsErrorsAndSlowAnswersOfTheLastWindowOnly() {
        for (int i = 0; i < 90; i++) {
            window.record(200, ms(10));
        }
        for (int i = 0; i < 10; i++) {
            window.record(503, ms(900));
        }
        GuardWindow.Snapshot s = window.snapshot();
        assertThat(s.requests()).isEqualTo(100);
        assertThat(s.errors()).isEqualTo(10);
        assertThat(s.errorRatio()).isEqualTo(0.1);
        assertThat(s.slow()).isEqualTo(10);
        assertThat(s.p99AboveBound()).isTrue();
        assertThat(s.p99Nanos()).isBetween(ms(900), ms(1_200));

        now.addAndGet(TimeUnit.SECONDS.toNanos(9));
        assertThat(window.snapshot().requests()).as("still inside the 10 s window").isEqualTo(100);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(window.snapshot().requests()).as("slid out").isZero();
        window.record(200, ms(1));
        assertThat(window.snapshot().requests()).as("a reused bucket starts empty").isEqualTo(1);
    }

    @Test
    void p99IsBelowTheBoundWhenAtMostOnePercentIsSlow() {
        for (int i = 0; i < 99; i++) {
            window.record(200, ms(5));
        }
        window.record(200, ms(5_000));
        assertThat(window.snapshot().p99AboveBound()).isFalse();
        window.record(200, ms(5_000));
        assertThat(window.snapshot().p99AboveBound()).as("2 of 101 slow: the p99 is slow").isTrue();
    }

    @Test
    void resetForgetsEverything() {
        window.record(500, ms(1));
        window.reset();
        assertThat(window.snapshot().requests()).isZero();
    }

    @Test
    void slotsAreMonotonicAndTheirBoundsHoldTheirValues() {
        int last = -1;
        for (long us = 0; us < 100_000_000L; us = us < 10 ? us + 1 : us * 11 / 10) {
            int slot = GuardWindow.slot(us * 1000);
            assertThat(slot).isGreaterThanOrEqualTo(last);
            assertThat(GuardWindow.slotUpperNanos(slot)).isGreaterThan(us * 1000);
            assertThat(GuardWindow.slotUpperNanos(slot)).isLessThanOrEqualTo(Math.max(4_000, us * 1000 * 5 / 4 + 1_000));
            last = slot;
        }
    }
}
