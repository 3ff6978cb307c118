package dev.strangler.legacyadapter.mapping;

/**
 * A row the mapping cannot convert (an unknown value code, an unparseable date). The CDC sync
 * sends such rows to its dead-letter table; the message names table and column, never values.
 */
public final class MappingFailure extends RuntimeException {
    public MappingFailure(String message) {
        super(message);
    }

    public MappingFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
