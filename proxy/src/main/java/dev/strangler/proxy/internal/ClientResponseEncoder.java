package dev.strangler.proxy.internal;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Response encoder that knows whether the current request was HEAD (a HEAD response carries the
 * GET's framing headers but no body, so no chunk terminator may be written). HttpServerCodec does
 * this with a method queue; the proxy handles one exchange at a time, so a flag suffices.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {

    private boolean headRequest;

    void headRequest(boolean head) {
        headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        int code = msg.status().code();
        // 1xx interim answers do not belong to the final response: the HEAD flag stays for that.
        return (headRequest && code >= 200) || super.isContentAlwaysEmpty(msg);
    }
}
