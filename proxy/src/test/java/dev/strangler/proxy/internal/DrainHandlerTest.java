package dev.strangler.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DrainHandlerTest {

    private final ConnectionDrainer drainer = new ConnectionDrainer();

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(drainer.register(ch));
        return ch;
    }

    private static FullHttpResponse ok() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    }

    private static void exchange(EmbeddedChannel ch) {
        HttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        ch.writeInbound(req);
        ReferenceCountUtil.release(ch.readInbound()); // the proxy logic would have consumed it
    }

    @Test
    void changesNothingUntilDrainingStarts() {
        EmbeddedChannel ch = channel();
        exchange(ch);
        ch.writeAndFlush(ok());
        FullHttpResponse out = ch.readOutbound();
        assertThat(out.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        out.release();
        assertThat(ch.isOpen()).isTrue();
        assertThat(drainer.openConnections()).isEqualTo(1);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void responseDuringDrainSaysCloseAndClosesOnceFlushed() {
        EmbeddedChannel ch = channel();
        exchange(ch);
        drainer.startClosing();
        ch.runPendingTasks();
        ch.write(ok());
        assertThat(ch.isOpen()).as("not before the flush").isTrue();
        ch.flush();
        FullHttpResponse out = ch.readOutbound();
        assertThat(out.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        out.release();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void idleConnectionIsClosedWhenItStaysIdleButNotWhenARequestArrives() {
        EmbeddedChannel idle = channel();
        EmbeddedChannel busy = channel();
        drainer.startClosing();
        idle.runPendingTasks();
        busy.runPendingTasks();
        exchange(busy); // a request arrives within the 250 ms: it gets its answer
        idle.advanceTimeBy(ConnectionDrainer.IDLE_CLOSE_AFTER_MILLIS + 1, TimeUnit.MILLISECONDS);
        busy.advanceTimeBy(ConnectionDrainer.IDLE_CLOSE_AFTER_MILLIS + 1, TimeUnit.MILLISECONDS);
        idle.runScheduledPendingTasks();
        busy.runScheduledPendingTasks();
        assertThat(idle.isOpen()).isFalse();
        assertThat(busy.isOpen()).isTrue();
        busy.writeAndFlush(ok());
        ReferenceCountUtil.release(busy.readOutbound());
        assertThat(busy.isOpen()).isFalse();
        assertThat(idle.finishAndReleaseAll()).isFalse();
        assertThat(busy.finishAndReleaseAll()).isFalse();
    }

    @Test
    void upgradedConnectionIsLeftAlone() {
        EmbeddedChannel ch = channel();
        exchange(ch);
        ch.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
        ReferenceCountUtil.release(ch.readOutbound());
        drainer.startClosing();
        ch.runPendingTasks();
        ch.advanceTimeBy(ConnectionDrainer.IDLE_CLOSE_AFTER_MILLIS + 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        ReferenceCountUtil.release(ch.readOutbound());
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
