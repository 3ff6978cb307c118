package dev.strangler.shadow;

/** A route's two backends: the monolith and the extracted service. */
public enum Side {
    LEGACY,
    TARGET
}
