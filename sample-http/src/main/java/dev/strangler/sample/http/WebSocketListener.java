package dev.strangler.sample.http;

/**
 * Receives the events of one WebSocket connection. Called on the connection's event loop, one
 * event at a time: implementations must not block (hand blocking work to an executor).
 */
public interface WebSocketListener {

    /** The handshake completed; {@code session} can send from now on. */
    void onOpen(WebSocketSession session);

    /** A complete text message (fragments already joined). */
    void onText(WebSocketSession session, String text);

    /** The connection is gone, whoever closed it. Called exactly once after {@link #onOpen}. */
    void onClose(WebSocketSession session);
}
