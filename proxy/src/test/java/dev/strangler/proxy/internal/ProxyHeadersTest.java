package dev.strangler.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    @Test
    void stripsHopByHopIncludingHeadersNamedInConnection() {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/a");
        req.headers().add("Connection", "keep-alive, X-Private").add("Connection", "X-Other")
                .set("X-Private", "1").set("X-Other", "2").set("Keep-Alive", "timeout=5").set("TE", "trailers")
                .set("Trailer", "X").set("Upgrade", "h2c").set("Proxy-Authorization", "Basic x").set("X-Kept", "yes");
        ProxyHeaders.prepareRequest(req, "10.1.2.3", false);
        assertThat(req.headers().names()).containsExactlyInAnyOrder("X-Kept", "x-forwarded-for", "x-forwarded-proto",
                "x-request-id");
        assertThat(req.headers().get("x-forwarded-for")).isEqualTo("10.1.2.3");
        assertThat(req.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void keepsChunkedFramingAndUpgradeWhereNeeded() {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
        req.headers().set("Connection", "Upgrade").set("Upgrade", "websocket").set("Transfer-Encoding", "chunked");
        ProxyHeaders.prepareRequest(req, "127.0.0.1", true);
        assertThat(req.headers().get("Upgrade")).isEqualTo("websocket");
        assertThat(req.headers().get("Connection")).isEqualTo("upgrade");
        assertThat(req.headers().get("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void reframesCloseDelimitedResponsesAsChunkedForKeepAliveClients() {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        assertThat(ProxyHeaders.prepareResponse(resp, true, true, false)).isTrue();
        assertThat(resp.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(resp.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);

        HttpResponse old = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        assertThat(ProxyHeaders.prepareResponse(old, true, false, false)).as("HTTP/1.0 client: close delimits").isFalse();
        assertThat(old.headers().get("Connection")).isEqualTo("close");
    }

    @Test
    void requestIdsAreFreshHex() {
        String a = ProxyHeaders.newRequestId();
        assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(ProxyHeaders.newRequestId());
    }
}
