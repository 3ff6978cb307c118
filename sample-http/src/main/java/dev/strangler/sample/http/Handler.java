package dev.strangler.sample.http;

/**
 * Handles one HTTP request. Runs on the server's blocking executor, never on an event loop,
 * so it may use JDBC freely. Throw {@link HttpError} for client errors.
 */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
