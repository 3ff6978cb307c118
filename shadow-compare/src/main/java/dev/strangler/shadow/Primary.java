package dev.strangler.shadow;

/**
 * Which requests a route copies, by the side that answered the client. The copy always goes to
 * the other side.
 */
public enum Primary {
    /** Only requests the monolith answered (copied to the extracted service). */
    LEGACY,
    /** Only requests the extracted service answered (copied to the monolith). */
    TARGET,
    /**
     * Every request, to the side the client did not get: at a weight between 0 and 100 % both
     * shares are compared, and after the cutover the monolith keeps answering copies. Writes are
     * copied only when the monolith answered (they never reach the monolith as a copy).
     * Differences are always reported as the monolith's answer vs the service's.
     */
    EITHER;

    /** Whether a request the client got from {@code client} is copied. */
    public boolean copies(Side client) {
        return this == EITHER || (this == LEGACY) == (client == Side.LEGACY);
    }

    /** Where the copy of a request answered by {@code client} goes. */
    public static Side shadowOf(Side client) {
        return client == Side.LEGACY ? Side.TARGET : Side.LEGACY;
    }
}
