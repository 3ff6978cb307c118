package dev.strangler.sample.monolith;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * How much sample data to make: counts, the random seed, and the days appointments fall on
 * ({@code days} days from {@code firstDay}, clinic local dates).
 */
public record SeedSpec(int patients, int physicians, long seed, LocalDate firstDay, int days,
        int appointmentsPerPatient) {

    /** The default first day: a Monday far enough ahead that seeded slots stay in the future. */
    public static final LocalDate DEFAULT_FIRST_DAY = LocalDate.of(2030, 1, 7);

    public SeedSpec {
        if (patients < 0 || patients > 10_000_000) {
            throw new IllegalArgumentException("patients: " + patients + " (expected: 0..10000000)");
        }
        if (physicians < 0 || physicians > 1_000_000) {
            throw new IllegalArgumentException("physicians: " + physicians + " (expected: 0..1000000)");
        }
        requireNonNull(firstDay, "firstDay");
        if (days < 1 || days > 3660) {
            throw new IllegalArgumentException("days: " + days + " (expected: 1..3660)");
        }
        if (appointmentsPerPatient < 0 || appointmentsPerPatient > 100) {
            throw new IllegalArgumentException("appointmentsPerPatient: " + appointmentsPerPatient
                    + " (expected: 0..100)");
        }
    }

    /** {@code patients} and {@code physicians} with defaults: 20 days from 2030-01-07, two appointments each. */
    public static SeedSpec of(int patients, int physicians, long seed) {
        return new SeedSpec(patients, physicians, seed, DEFAULT_FIRST_DAY, 20, 2);
    }
}
