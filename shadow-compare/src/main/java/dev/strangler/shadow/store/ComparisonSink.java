package dev.strangler.shadow.store;

/** Receives classified comparisons; must not block (the {@link DiffStore} queues them). */
@FunctionalInterface
public interface ComparisonSink {

    /** Takes one record; returns false if it was dropped. */
    boolean accept(ComparisonRecord record);
}
