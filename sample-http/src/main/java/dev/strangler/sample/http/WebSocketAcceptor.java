package dev.strangler.sample.http;

/**
 * Decides whether an upgrade request may become a WebSocket and with which listener. Runs on
 * the blocking executor (it may check a token in the database); throw {@link HttpError} to
 * refuse: the client gets that status as a JSON body and no upgrade.
 */
@FunctionalInterface
public interface WebSocketAcceptor {
    WebSocketListener accept(Request upgradeRequest) throws Exception;
}
