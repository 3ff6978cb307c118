package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A body far larger than any buffer streams through with flat memory. */
class LargeUploadIT {

    private static final long SIZE = 256L << 20;

    @TempDir
    Path state;

    /** Generates SIZE bytes on the fly: the client never holds the body either. */
    static final class Generator extends InputStream {
        private long left = SIZE;

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 'a';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'a');
            left -= n;
            return n;
        }
    }

    @Test
    void streams256MiBUploadWithoutBufferingIt() throws Exception {
        ByteBufAllocatorMetricProvider alloc = (ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT;
        try (TestBackend legacy = TestBackend.start("monolith");
             ProxyServer proxy = ProxyServer.start(Fixture.config(state, legacy.port(), legacy.port(), 0).build(),
                     new SimpleMeterRegistry(), Clock.systemUTC())) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (running.get()) {
                    long used = alloc.metric().usedDirectMemory() + alloc.metric().usedHeapMemory();
                    peak.accumulateAndGet(used, Math::max);
                    Thread.onSpinWait();
                }
            });
            long baseline = alloc.metric().usedDirectMemory() + alloc.metric().usedHeapMemory();
            sampler.start();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/upload"))
                    .timeout(Duration.ofSeconds(55))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(Generator::new)).build();
            HttpResponse<String> r = Fixture.CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
            running.set(false);
            sampler.join();

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Fixture.json(r).path("bodyBytes").asLong()).isEqualTo(SIZE);
            // Buffers held by Netty (proxy and test backend together) stay far below the body size.
            assertThat(peak.get() - baseline).as("peak pooled buffer memory").isLessThan(32L << 20);
        }
    }
}
