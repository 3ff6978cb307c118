package dev.strangler.shadow.store;

/** A diff store operation failed (schema, query); the message names the operation. */
public final class DiffStoreException extends RuntimeException {

    public DiffStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
