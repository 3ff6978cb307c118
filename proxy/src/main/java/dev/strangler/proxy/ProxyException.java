package dev.strangler.proxy;

/** A proxy failure at run time (e.g. a port already in use, unreadable state file). */
public final class ProxyException extends RuntimeException {

    public ProxyException(String message, Throwable cause) {
        super(message, cause);
    }
}
