package dev.strangler.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static HttpContent chunk(String s, boolean last) {
        ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
        return last ? new DefaultLastHttpContent(b) : new DefaultHttpContent(b);
    }

    @Test
    void holdsBodyChunksForASecondSendAndReleasesEverythingAtTheEnd() {
        ReplayBuffer buf = new ReplayBuffer(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/a"), 100);
        HttpContent a = chunk("hello ", false);
        HttpContent b = chunk("world", true);
        buf.add(a);
        buf.add(b);
        ReferenceCountUtil.release(a); // the first send consumed the originals
        ReferenceCountUtil.release(b);
        assertThat(buf.usable()).isTrue();
        assertThat(buf.complete()).isTrue();

        EmbeddedChannel backend = new EmbeddedChannel();
        buf.writeChunks(backend);
        backend.flush();
        StringBuilder sent = new StringBuilder();
        HttpContent c;
        while ((c = backend.readOutbound()) != null) {
            sent.append(c.content().toString(StandardCharsets.US_ASCII));
            c.release(); // we are the last owner of what the channel wrote
        }
        assertThat(sent).hasToString("hello world");
        buf.release();
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        assertThat(backend.finishAndReleaseAll()).isFalse();
    }

    @Test
    void givesUpAndReleasesOnceTheBodyOutgrowsTheCap() {
        ReplayBuffer buf = new ReplayBuffer(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a"), 8);
        HttpContent a = chunk("12345", false);
        HttpContent b = chunk("67890", false);
        buf.add(a);
        buf.add(b);
        assertThat(buf.usable()).isFalse();
        ReferenceCountUtil.release(a);
        ReferenceCountUtil.release(b);
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        buf.release();
    }
}
