package dev.strangler.proxy.backend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: every {@code interval}, a GET of {@code path} on each endpoint of a backend
 * (2xx within {@code timeout} passes). Runs on the backends' scheduler thread with the JDK HTTP
 * client, never on an I/O thread. A check still running when the next is due is not doubled.
 */
final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private final HttpClient client;
    private final Map<Endpoint, Boolean> running = new ConcurrentHashMap<>();

    HealthChecker(Executor executor) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void schedule(BackendGroup group, ScheduledExecutorService scheduler) {
        HealthCheckConfig hc = group.config().healthCheck();
        long every = hc.interval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> checkAll(group, hc), every, every, TimeUnit.MILLISECONDS);
    }

    private void checkAll(BackendGroup group, HealthCheckConfig hc) {
        for (Endpoint e : group.endpoints()) {
            if (running.putIfAbsent(e, Boolean.TRUE) != null) {
                continue;
            }
            HttpRequest req;
            try {
                req = HttpRequest.newBuilder(URI.create("http://" + hostForUri(e) + ":" + e.address().getPort() + hc.path()))
                        .timeout(hc.timeout()).header("User-Agent", "strangler-health-check").GET().build();
            } catch (IllegalArgumentException ex) {
                running.remove(e);
                LOG.warn("backend {}: cannot build health check for {}: {}", group.name(), e.key(), ex.getMessage());
                continue;
            }
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, err) -> {
                running.remove(e);
                boolean pass = err == null && r.statusCode() >= 200 && r.statusCode() < 300;
                if (e.checked(pass, hc) && !e.removed()) {
                    if (pass) {
                        LOG.info("backend {}: endpoint {} healthy again", group.name(), e.key());
                    } else {
                        LOG.warn("backend {}: endpoint {} unhealthy after {} failed checks ({})", group.name(), e.key(),
                                hc.unhealthyThreshold(), err != null ? cause(err) : "status " + r.statusCode());
                    }
                }
            });
        }
    }

    private static String cause(Throwable err) {
        Throwable t = err.getCause() != null ? err.getCause() : err;
        return t.getClass().getSimpleName();
    }

    private static String hostForUri(Endpoint e) {
        String h = e.address().getAddress() != null ? e.address().getAddress().getHostAddress() : e.address().getHostString();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }
}
