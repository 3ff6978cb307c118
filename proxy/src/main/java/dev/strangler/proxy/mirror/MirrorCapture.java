package dev.strangler.proxy.mirror;

import dev.strangler.proxy.routing.Route;
import dev.strangler.shadow.HttpHeaders;
import dev.strangler.shadow.Side;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;

/**
 * One sampled request while its primary exchange runs: the proxy's connection handler feeds it the
 * request body and the primary response as they stream past (bytes are copied, buffers are never
 * retained), then calls {@link #primaryComplete} after the client's response was written. Only then
 * does the copy go out. Everything runs on the client connection's event loop.
 *
 * <p>A body over {@code mirror.maxBodyBytes} abandons the capture (counted as {@code too_large});
 * an abandoned capture ignores further calls, so the caller needs no checks.
 */
public final class MirrorCapture {

    final Mirror mirror;
    final Mirror.RouteMirror route;
    final Route routeSnapshot;
    final Side clientSide; // the side that answered the client; the copy goes to the other
    final String method;
    final String uri;
    final io.netty.handler.codec.http.HttpHeaders requestHeaders;
    EventLoop loop; // the client's event loop, then the one that sends the copy
    final long startedAtMillis;
    final long startNanos;
    final boolean askPrimaryTwice;
    final ByteSink requestBody = new ByteSink();
    byte[] requestBodyBytes; // set when the copy is sent
    final ByteSink primaryBody = new ByteSink();
    int primaryStatus;
    io.netty.handler.codec.http.HttpHeaders primaryHeaders; // a copy: converted off the client's event loop
    long primaryNanos;
    private boolean abandoned;

    // Set while the copy is in flight.
    MirrorCall shadowCall;
    MirrorCall secondCall;

    MirrorCapture(Mirror mirror, Mirror.RouteMirror route, Route routeSnapshot, Side clientSide, String method, String uri,
                  io.netty.handler.codec.http.HttpHeaders requestHeaders, EventLoop loop, boolean askPrimaryTwice) {
        this.mirror = mirror;
        this.route = route;
        this.routeSnapshot = routeSnapshot;
        this.clientSide = clientSide;
        this.method = method;
        this.uri = uri;
        this.requestHeaders = requestHeaders;
        this.loop = loop;
        this.askPrimaryTwice = askPrimaryTwice;
        this.startedAtMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
    }

    /** A chunk of the client's request body (copied; the caller keeps ownership of {@code content}). */
    public void requestContent(ByteBuf content) {
        if (!abandoned && !requestBody.append(content, mirror.maxBodyBytes)) {
            abandonTooLarge();
        }
    }

    /** The primary's final response head (before the proxy rewrites hop-by-hop headers). */
    public void responseHead(HttpResponse response) {
        if (abandoned) {
            return;
        }
        primaryStatus = response.status().code();
        primaryHeaders = response.headers().copy();
    }

    /** A chunk of the primary's response body (copied; the caller keeps ownership of {@code content}). */
    public void responseContent(ByteBuf content) {
        if (!abandoned && !primaryBody.append(content, mirror.maxBodyBytes)) {
            abandonTooLarge();
        }
    }

    /**
     * The client's response is complete. Sends the copy (or queues it) unless the capture was
     * abandoned or the request body was not complete.
     */
    public void primaryComplete(boolean requestComplete) {
        if (abandoned || !requestComplete || primaryHeaders == null) {
            return;
        }
        abandoned = true; // no further calls may change it
        primaryNanos = System.nanoTime() - startNanos;
        mirror.dispatch(this);
    }

    private void abandonTooLarge() {
        abandoned = true;
        route.meters.tooLarge.increment();
    }

    static HttpHeaders convert(io.netty.handler.codec.http.HttpHeaders headers) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            b.add(e.getKey().toString(), e.getValue().toString());
        }
        return b.build();
    }
}
