package dev.strangler.sample.http;

/** One open WebSocket connection; safe to use from any thread. */
public interface WebSocketSession {

    /** Sends a text frame; frames from one thread arrive in the order sent. */
    void send(String text);

    /** Sends a close frame with {@code code} and {@code reason}, then closes the connection. */
    void close(int code, String reason);

    /** Whether the connection is still open. */
    boolean isOpen();

    /** Server-unique id of this connection (for logs and maps, not a secret). */
    String id();
}
