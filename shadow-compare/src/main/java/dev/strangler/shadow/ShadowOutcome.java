package dev.strangler.shadow;

/** What became of the mirrored request to the shadow side. */
public enum ShadowOutcome {
    /** The shadow answered; {@link ShadowExchange#shadow()} holds its response. */
    RESPONDED,
    /** The shadow did not answer in time: counted as a timeout, never as a difference. */
    TIMEOUT,
    /** Connecting or reading failed (refused, reset, bad HTTP): counted as an error. */
    ERROR
}
