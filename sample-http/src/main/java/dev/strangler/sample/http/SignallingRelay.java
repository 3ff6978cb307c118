package dev.strangler.sample.http;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The WebSocket signalling relay of a video room: two participants (roles {@code patient} and
 * {@code physician}); every text message from one goes verbatim to the other. The relay also
 * tells each side about the other: {@code {"type":"joined","role":R,"peerPresent":B}} on
 * connect, {@code {"type":"peer-joined","role":R}} and {@code {"type":"peer-left","role":R}};
 * a message with no peer connected gets {@code {"type":"undelivered","reason":"peer not connected"}}.
 * A second connection for a role replaces the first (closed with 4001).
 *
 * <p>State is in memory: a room's two participants must reach the same process, which is what
 * the proxy's sticky WebSocket routing guarantees. Callbacks run on event loops; all state
 * changes happen under the relay's lock, which is held only for map updates.
 */
public final class SignallingRelay {

    /** Roles of a room. */
    public static final Set<String> ROLES = Set.of("patient", "physician");

    private final Map<String, WebSocketSession[]> rooms = new HashMap<>(); // guarded by this

    /** A listener for {@code role} in room {@code roomKey}. */
    public WebSocketListener participant(String roomKey, String role) {
        requireNonNull(roomKey, "roomKey");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role: " + role + " (expected: patient or physician)");
        }
        int me = "patient".equals(role) ? 0 : 1;
        String peerRole = me == 0 ? "physician" : "patient";
        return new WebSocketListener() {
            @Override
            public void onOpen(WebSocketSession session) {
                WebSocketSession replaced;
                WebSocketSession peer;
                synchronized (SignallingRelay.this) {
                    WebSocketSession[] room = rooms.computeIfAbsent(roomKey, k -> new WebSocketSession[2]);
                    replaced = room[me];
                    room[me] = session;
                    peer = room[1 - me];
                }
                if (replaced != null) {
                    replaced.close(4001, "replaced by a newer connection");
                }
                session.send("{\"type\":\"joined\",\"role\":\"" + role + "\",\"peerPresent\":" + (peer != null) + "}");
                if (peer != null) {
                    peer.send("{\"type\":\"peer-joined\",\"role\":\"" + role + "\"}");
                }
            }

            @Override
            public void onText(WebSocketSession session, String text) {
                WebSocketSession peer = peerOf(roomKey, me, session);
                if (peer != null && peer.isOpen()) {
                    peer.send(text);
                } else {
                    session.send("{\"type\":\"undelivered\",\"reason\":\"peer not connected\"}");
                }
            }

            @Override
            public void onClose(WebSocketSession session) {
                WebSocketSession peer;
                synchronized (SignallingRelay.this) {
                    WebSocketSession[] room = rooms.get(roomKey);
                    if (room == null || room[me] != session) {
                        return; // replaced already: the newer connection owns the slot
                    }
                    room[me] = null;
                    peer = room[1 - me];
                    if (peer == null) {
                        rooms.remove(roomKey);
                    }
                }
                if (peer != null) {
                    peer.send("{\"type\":\"peer-left\",\"role\":\"" + role + "\"}");
                }
            }
        };
    }

    private synchronized WebSocketSession peerOf(String roomKey, int me, WebSocketSession session) {
        WebSocketSession[] room = rooms.get(roomKey);
        return room == null || room[me] != session ? null : room[1 - me];
    }

    /** Closes both participants of a room (the visit ended), with code 4002. */
    public void closeRoom(String roomKey) {
        WebSocketSession[] room;
        synchronized (this) {
            room = rooms.remove(roomKey);
        }
        if (room != null) {
            for (WebSocketSession s : room) {
                if (s != null) {
                    s.close(4002, "room ended");
                }
            }
        }
    }

    /** Open participant connections across all rooms. */
    public synchronized int openSessions() {
        int n = 0;
        for (WebSocketSession[] room : rooms.values()) {
            n += (room[0] != null ? 1 : 0) + (room[1] != null ? 1 : 0);
        }
        return n;
    }
}
