package dev.strangler.proxy.bench;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.proxy.AdminToken;
import dev.strangler.proxy.ControlPlaneConfig;
import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyServer;
import dev.strangler.proxy.StateConfig;
import dev.strangler.proxy.routing.Route;
import dev.strangler.proxy.routing.RouteMatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Propagation of weight changes through the control plane: three proxies in this JVM follow one
 * embedded PostgreSQL; {@code bench.changes} weight changes are made through their admin APIs in
 * turn (real HTTP), and for each change and proxy we measure the time from the admin call returning
 * to that proxy's live route table having the new weight (polled every 20 µs). The proxy that took
 * the call has it before it answers (0 ms); the other two follow by LISTEN/NOTIFY.
 *
 * <p>Run by {@code bench/controlplane.sh}. Prints a table; figures are wall-clock on whatever else
 * the machine is doing.
 */
public final class ControlPlaneBench {

    private static final String SECRET = "bench-operator-secret";

    private ControlPlaneBench() {
    }

    public static void main(String[] args) throws Exception {
        int changes = Integer.getInteger("bench.changes", 50);
        int warmup = Integer.getInteger("bench.warmup", 10);
        Path dir = Files.createTempDirectory("strangler-controlplane-bench");
        try (LocalPostgres pg = LocalPostgres.start()) {
            String url = pg.createDatabase("control_bench").jdbcUrl("control_bench");
            List<ProxyServer> fleet = new ArrayList<>();
            try {
                for (String name : List.of("a", "b", "c")) {
                    fleet.add(ProxyServer.start(config(dir.resolve(name), url), new SimpleMeterRegistry(),
                            Clock.systemUTC()));
                }
                run(fleet, warmup, false);
                run(fleet, changes, true);
            } finally {
                fleet.forEach(ProxyServer::close);
            }
        }
    }

    private static ProxyConfig config(Path state, String jdbcUrl) {
        return ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .threads(1)
                .adminListen(new HostPort("127.0.0.1", 0))
                .token(new AdminToken("bench", SECRET, AdminToken.Role.OPERATOR))
                .backend("legacy", new HostPort("127.0.0.1", 9001))
                .backend("modern", new HostPort("127.0.0.1", 9002))
                .route(new Route("bench", RouteMatch.prefix("/"), "legacy", "modern", 0, null, null))
                .state(StateConfig.in(state))
                .controlPlane(ControlPlaneConfig.OFF.withJdbcUrl(jdbcUrl))
                .shutdownGrace(Duration.ofSeconds(1))
                .build();
    }

    private static void run(List<ProxyServer> fleet, int changes, boolean print) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        double[][] ms = new double[fleet.size()][changes];
        double[] call = new double[changes];
        int[] via = new int[fleet.size()];
        int previous = fleet.get(0).routes().route("bench").orElseThrow().weightBps();
        for (int i = 0; i < changes; i++) {
            int w = (previous + 1 + i * 37) % 10_001;
            if (w == previous) {
                w = (w + 1) % 10_001;
            }
            int through = i % fleet.size();
            via[through]++;
            HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleet.get(through).adminPort()
                            + "/api/routes/bench/weight"))
                    .header("Authorization", "Bearer " + SECRET)
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"weightBps\":" + w + ",\"reason\":\"bench " + i + "\"}"))
                    .build();
            long sent = System.nanoTime();
            HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
            long returned = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PUT weight answered " + r.statusCode() + ": " + r.body());
            }
            call[i] = (returned - sent) / 1e6;
            long[] seen = new long[fleet.size()];
            int pending = fleet.size();
            long deadline = returned + Duration.ofSeconds(5).toNanos();
            while (pending > 0) {
                long now = System.nanoTime();
                for (int p = 0; p < fleet.size(); p++) {
                    if (seen[p] == 0 && fleet.get(p).routes().route("bench").orElseThrow().weightBps() == w) {
                        seen[p] = now;
                        pending--;
                    }
                }
                if (now > deadline) {
                    throw new IllegalStateException("change " + i + " to " + w + " bps did not reach every proxy in 5 s");
                }
                LockSupport.parkNanos(20_000);
            }
            for (int p = 0; p < fleet.size(); p++) {
                ms[p][i] = Math.max(0, seen[p] - returned) / 1e6;
            }
            previous = w;
        }
        if (!print) {
            return;
        }
        System.out.printf("%ncontrol-plane propagation: %d weight changes through 3 proxies' admin APIs in turn;%n"
                + "time from the admin call returning to each proxy serving the new weight%n%n", changes);
        System.out.printf("%-8s %-10s %8s %8s %8s%n", "proxy", "changes", "p50 ms", "p99 ms", "max ms");
        double[] all = new double[0];
        for (int p = 0; p < fleet.size(); p++) {
            System.out.printf("%-8s %-10s %8.2f %8.2f %8.2f%n", (char) ('a' + p), via[p] + " via it",
                    pct(ms[p], 50), pct(ms[p], 99), pct(ms[p], 100));
            all = concat(all, ms[p]);
        }
        double[] others = new double[0];
        for (int i = 0; i < changes; i++) {
            for (int p = 0; p < fleet.size(); p++) {
                if (p != i % fleet.size()) {
                    others = concat(others, new double[] {ms[p][i]});
                }
            }
        }
        System.out.printf("%-8s %-10s %8.2f %8.2f %8.2f%n", "all", changes * 3 + " obs", pct(all, 50), pct(all, 99),
                pct(all, 100));
        System.out.printf("%-8s %-10s %8.2f %8.2f %8.2f%n", "others", others.length + " obs", pct(others, 50),
                pct(others, 99), pct(others, 100));
        System.out.printf("%-8s %-10s %8.2f %8.2f %8.2f%n", "PUT", "call", pct(call, 50), pct(call, 99), pct(call, 100));
        System.out.printf("%ntarget: p99 < 100 ms, max < 1000 ms -> %s%n",
                pct(all, 99) < 100 && pct(all, 100) < 1000 ? "met" : "NOT met");
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
