package dev.strangler.proxy.internal;

import dev.strangler.proxy.mirror.MirrorCapture;
import dev.strangler.proxy.routing.Route;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.ScheduledFuture;

/**
 * State of the one request/response exchange a client connection is working on. One instance per
 * connection, reset by {@link #start} for each request (so the hot path allocates nothing for it);
 * event-loop confined, hence plain fields.
 */
final class Exchange {

    boolean active;
    String routeId;
    String backendName;
    ProxyMetrics.RouteMeters meters;
    long startNanos;
    boolean requestDone;
    boolean responseStarted;
    boolean interim;
    boolean upgradeRequested;
    boolean upgradePending;
    boolean clientKeepAlive;
    boolean clientHttp11;
    boolean headRequest;
    boolean backendKeepAlive;
    boolean responseKeepAlive;
    long bodyBytes;
    int status;

    // Replay and fallback state.
    Route route;
    String method;
    String originalUri;
    boolean onTarget;
    boolean fellBack;
    boolean staleRetried;
    int sameBackendRetries;
    Attempt attempt;
    ReplayBuffer replay;
    boolean resendChunks;
    /** Never reset: callbacks of an earlier attempt (connect, timers) recognise themselves as stale by it. */
    int attemptSeq;
    int dispatches;
    ScheduledFuture<?> firstByteTimer;
    ScheduledFuture<?> totalTimer;
    MirrorCapture mirror; // non-null while a sampled exchange is being copied for the shadow

    /** A new request begins (or a proxy error is about to be answered without one). */
    void start() {
        active = true;
        startNanos = System.nanoTime();
        routeId = null;
        backendName = null;
        meters = null;
        requestDone = false;
        responseStarted = false;
        interim = false;
        upgradeRequested = false;
        upgradePending = false;
        clientKeepAlive = true;
        bodyBytes = 0;
        status = 0;
        route = null;
        method = null;
        onTarget = false;
        fellBack = false;
        staleRetried = false;
        sameBackendRetries = 0;
        resendChunks = false;
        dispatches = 0;
        mirror = null;
    }

    /**
     * The exchange is over: timers, the attempt's permits and the replay buffer are released.
     * Returns true when it counted as in flight (a route was matched), so the caller decrements.
     */
    boolean end() {
        boolean counted = active && routeId != null;
        active = false;
        cancelTimers();
        if (attempt != null) {
            attempt.finish();
            attempt = null;
        }
        if (replay != null) {
            replay.release();
            replay = null;
        }
        return counted;
    }

    /** Hands the attempt's permits back (it failed or was given up); no-op without one. */
    Attempt finishAttempt() {
        Attempt a = attempt;
        if (a != null) {
            a.finish();
            attempt = null;
        }
        return a;
    }

    void cancelFirstByteTimer() {
        if (firstByteTimer != null) {
            firstByteTimer.cancel(false);
            firstByteTimer = null;
        }
    }

    void cancelTimers() {
        cancelFirstByteTimer();
        if (totalTimer != null) {
            totalTimer.cancel(false);
            totalTimer = null;
        }
    }

    /** The replay buffer's head when the request is held for replay, else null. */
    HttpRequest replayHead() {
        return replay != null ? replay.head() : null;
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }
}
