package dev.strangler.proxy.internal;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open WebSocket sessions, so a forced rollback can find and close those on a route's target.
 * Sessions live on I/O threads; the admin thread only reads the set and schedules closes.
 */
public final class WebSocketSessions {

    private final Set<FrontendHandler> sessions = ConcurrentHashMap.newKeySet();

    void add(FrontendHandler h) {
        sessions.add(h);
    }

    void remove(FrontendHandler h) {
        sessions.remove(h);
    }

    /** Number of open sessions. */
    public int size() {
        return sessions.size();
    }

    /** Closes every open session with close frame 1001 "going away" (end of a shutdown grace). */
    public int closeAll() {
        int n = 0;
        for (FrontendHandler h : sessions) {
            h.clientChannel().eventLoop().execute(h::goAway);
            n++;
        }
        return n;
    }

    /**
     * Closes (close frame 1001 "going away" to the client) every session of {@code route} relayed to
     * {@code backend}; returns how many were asked to close.
     */
    public int closeAll(String route, String backend) {
        int n = 0;
        for (FrontendHandler h : sessions) {
            if (h.isWebSocketOn(route, backend)) {
                Channel ch = h.clientChannel();
                ch.eventLoop().execute(h::goAway);
                n++;
            }
        }
        return n;
    }
}
