package dev.strangler.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weight changes and a rollback in the middle of concurrent traffic lose nothing. */
class RollbackUnderLoadIT {

    @TempDir
    Path state;

    @Test
    void rollbackUnderConcurrentLoadLosesNoRequestAndTakesEffectAtOnce() throws Exception {
        try (TestBackend legacy = TestBackend.start("monolith"); TestBackend target = TestBackend.start("appointments");
             ProxyServer proxy = ProxyServer.start(Fixture.config(state, legacy.port(), target.port(), 5000).build(),
                     new SimpleMeterRegistry(), Clock.systemUTC())) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger toTargetAfterRollback = new AtomicInteger();
            AtomicLong rolledBackAt = new AtomicLong(Long.MAX_VALUE);
            int clients = 8;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                workers.add(pool.submit(() -> {
                    int n = 0;
                    while (running.get()) {
                        long sentAt = System.nanoTime();
                        try {
                            HttpResponse<String> r = Fixture.send(proxy.port(), n % 3 == 0 ? "POST" : "GET",
                                    "/api/appointments/" + client + "-" + n, n % 3 == 0 ? "{\"slot\":" + n + "}" : null);
                            if (r.statusCode() == 200 && r.body().contains("\"backend\"")) {
                                ok.incrementAndGet();
                                if (sentAt > rolledBackAt.get() && r.headers().firstValue("X-Backend").orElse("").equals("appointments")) {
                                    toTargetAfterRollback.incrementAndGet();
                                }
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                        n++;
                    }
                }));
            }
            Await.await(Duration.ofSeconds(20), () -> ok.get() >= 300);
            proxy.controller().setWeight("test", "appointments", 8000, "ramp");
            Await.await(Duration.ofSeconds(20), () -> ok.get() >= 600);
            proxy.controller().rollback("test", null, "incident", false);
            rolledBackAt.set(System.nanoTime());
            int atRollback = ok.get();
            Await.await(Duration.ofSeconds(20), () -> ok.get() >= atRollback + 400);
            running.set(false);
            for (Future<?> w : workers) {
                w.get(20, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(failed.get()).as("failed requests").isZero();
            assertThat(ok.get()).isGreaterThanOrEqualTo(1000);
            assertThat(toTargetAfterRollback.get()).as("requests sent after rollback that reached the target").isZero();
            assertThat(legacy.requests.get() + target.requests.get()).isEqualTo(ok.get());
        }
    }
}
