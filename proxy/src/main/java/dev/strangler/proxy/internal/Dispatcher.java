package dev.strangler.proxy.internal;

import dev.strangler.proxy.backend.BackendGroup;
import dev.strangler.proxy.backend.Endpoint;
import dev.strangler.proxy.backend.FallbackReason;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends the current exchange's request to a backend and tries again when an attempt fails: leases
 * a pooled connection or opens one, writes the head (and, for a replay, the held body), runs the
 * first-byte and total timers, and carries out what {@link FallbackDecision} says (fresh
 * connection, another endpoint, the legacy backend, or the proxy's error). Runs on the client
 * channel's event loop, like the {@link FrontendHandler} it works for.
 */
final class Dispatcher {

    private final ProxyContext px;
    private final ChannelHandlerContext ctx;
    private final FrontendHandler frontend;
    private final Exchange x;
    private final BackendLink link;
    private final FallbackReason[] refusal = new FallbackReason[1];

    Dispatcher(ProxyContext px, ChannelHandlerContext ctx, FrontendHandler frontend, Exchange x, BackendLink link) {
        this.px = px;
        this.ctx = ctx;
        this.frontend = frontend;
        this.x = x;
        this.link = link;
    }

    /**
     * Sends the request to backend {@code name}. {@code req} is either not sent yet (its body, if
     * any, still waits in the inbox) or, with {@code fromReplay}, the replay buffer's head whose
     * held body chunks follow it.
     */
    void dispatch(HttpRequest req, String name, boolean target, Endpoint exclude, boolean fresh, boolean fromReplay) {
        x.backendName = name;
        x.onTarget = target;
        x.meters = px.metrics.meters(x.routeId, name);
        req.setUri(target && x.route.rewrite() != null ? x.route.rewrite().apply(x.originalUri) : x.originalUri);
        BackendGroup g = px.backend(name);
        Attempt a = Attempt.start(g, exclude, refusal);
        if (a == null) {
            onFailure(ReplayPolicy.Failure.REFUSED, refusal[0], req, fromReplay);
            return;
        }
        x.attempt = a;
        int seq = ++x.attemptSeq;
        x.dispatches++;
        x.resendChunks = fromReplay;
        startTotalTimer(g, seq);
        Channel pooled = x.upgradeRequested || fresh ? null : px.pool.poll(a.endpoint);
        if (pooled != null) {
            a.reused = true;
            link.attach(pooled, frontend);
            send(req);
            if (x.dispatches > 1) {
                // A retry runs outside the client's read cycle: move on what waits in the inbox now.
                frontend.resume();
            }
            return;
        }
        link.connecting = true;
        link.pendingRequest = req;
        BackendHandler bh = new BackendHandler(px.pool, a.endpoint);
        px.pool.connect(ctx.channel().eventLoop(), a.endpoint, bh, px.connectTimeoutMillis(g))
                .addListener((ChannelFutureListener) f -> onConnected(f, seq));
    }

    private void onConnected(ChannelFuture f, int seq) {
        if (seq != x.attemptSeq || !link.connecting) {
            if (f.isSuccess()) {
                f.channel().close(); // the exchange moved on (client gone): nobody wants this connection
            }
            return;
        }
        link.connecting = false;
        HttpRequest req = link.pendingRequest;
        link.pendingRequest = null;
        if (frontend.closing() || !ctx.channel().isActive()) {
            ReferenceCountUtil.release(req);
            if (f.isSuccess()) {
                f.channel().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            x.attempt.failed(Endpoint.Outcome.CONNECT_FAILURE);
            onFailure(ReplayPolicy.Failure.CONNECT, FallbackReason.CONNECT, req, x.resendChunks);
            return;
        }
        link.attach(f.channel(), frontend);
        send(req);
        frontend.resume();
    }

    /** Writes the head and, for a replay, the held body chunks. */
    private void send(HttpRequest req) {
        boolean expectContinue = HttpUtil.is100ContinueExpected(req);
        link.write(req); // ownership passes to the backend channel
        if (expectContinue) {
            link.flush(); // the client waits for 100 Continue before sending the body
        }
        if (x.resendChunks) {
            x.resendChunks = false;
            x.replay.writeChunks(link.channel());
            link.markFlushPending();
            if (x.replay.complete()) {
                link.flush();
                requestSent();
            }
        }
    }

    /**
     * An attempt failed: retry, fall back or answer with an error, as {@link FallbackDecision} says.
     * The caller has already finished (or never had) the attempt and detached its connection.
     */
    void onFailure(ReplayPolicy.Failure f, FallbackReason reason, HttpRequest req, boolean fromReplay) {
        x.cancelTimers();
        Attempt failedAttempt = x.finishAttempt();
        Endpoint failed = failedAttempt != null ? failedAttempt.endpoint : null;
        switch (FallbackDecision.decide(px, x, f, reason, failed)) {
            case RETRY_FRESH -> dispatch(req, x.backendName, x.onTarget, null, true, fromReplay);
            case RETRY_OTHER_ENDPOINT -> dispatch(req, x.backendName, x.onTarget, failed, false, fromReplay);
            case FALLBACK -> dispatch(req, x.route.legacy(), false, null, false, fromReplay);
            default -> {
                ReferenceCountUtil.release(req); // not sent anywhere any more (a no-op for plain request heads)
                frontend.reject(FallbackDecision.error(px, x, f, reason));
            }
        }
    }

    /** The whole request is with the backend: the first-byte clock starts (when it is shorter than the idle timeout). */
    void requestSent() {
        if (x.attempt == null) {
            return;
        }
        Duration fb = x.attempt.group.resilience().firstByteTimeout();
        if (fb != null && fb.compareTo(px.limits.backendTimeout()) < 0) {
            int seq = x.attemptSeq;
            x.firstByteTimer = ctx.executor().schedule(() -> onAttemptTimeout(seq), fb.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void startTotalTimer(BackendGroup g, int seq) {
        Duration total = g.resilience().totalTimeout();
        if (total != null) {
            x.totalTimer = ctx.executor().schedule(() -> onTotalTimeout(seq), total.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void onTotalTimeout(int seq) {
        if (seq != x.attemptSeq || !x.active || frontend.upgraded() || link.connecting) {
            return; // another attempt by now, or still connecting (the connect timeout bounds that)
        }
        if (!x.responseStarted) {
            onAttemptTimeout(seq);
            return;
        }
        link.detachAndClose();
        ctx.close(); // response cut short at the total timeout: the client must see the truncation
    }

    /** No response head in time (first-byte timer, idle timeout or total timeout). */
    void onAttemptTimeout(int seq) {
        if (seq != x.attemptSeq || !x.active || frontend.upgraded() || link.connecting || x.attempt == null
                || x.responseStarted) {
            return;
        }
        x.attempt.failed(Endpoint.Outcome.TIMEOUT);
        link.detachAndClose();
        onFailure(ReplayPolicy.Failure.TIMEOUT, FallbackReason.TIMEOUT, x.replayHead(), true);
    }
}
