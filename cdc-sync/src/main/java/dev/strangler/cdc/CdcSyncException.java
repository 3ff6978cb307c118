package dev.strangler.cdc;

/** A CDC sync failure a person may have to act on (connection lost, slot busy, schema mismatch). */
public class CdcSyncException extends RuntimeException {
    public CdcSyncException(String message) {
        super(message);
    }

    public CdcSyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
