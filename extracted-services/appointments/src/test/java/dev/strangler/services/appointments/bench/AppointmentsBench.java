package dev.strangler.services.appointments.bench;

import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import dev.strangler.sample.monolith.MonolithSeeder;
import dev.strangler.sample.monolith.SampleData;
import dev.strangler.sample.monolith.SeedSpec;
import dev.strangler.services.appointments.AppointmentsApp;
import dev.strangler.services.appointments.AppointmentsConfig;
import dev.strangler.services.appointments.LegacyImport;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Load driver for {@code bench/appointments.sh}: seeds the monolith (patients, physicians,
 * licences, two appointments per patient), copies the same data into the appointments service,
 * then measures "free slots of a physician on a day" and "book" on both with a closed loop of
 * {@code concurrency} clients, a warm-up, then a fixed number of requests; the same request
 * sequence goes to both. Prints p50/p99, throughput, statuses and the monolith/service ratios.
 *
 * <p>Arguments: {@code patients physicians requests warmup concurrency} (defaults 100000 5000 4000 1000 8).
 */
public final class AppointmentsBench {

    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2029-12-01T12:00:00Z"), ZoneOffset.UTC);
    private static final PrintStream OUT = System.out; // a benchmark's report is its output

    private record Target(String name, int port) {
    }

    private record Result(String op, String target, long[] micros, double seconds, Map<Integer, Integer> statuses) {
        long pct(double p) {
            return micros[Math.min(micros.length - 1, (int) Math.ceil(p * micros.length) - 1)];
        }
    }

    private AppointmentsBench() {
    }

    public static void main(String[] args) throws Exception {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int physicians = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 4_000;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
        int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        SeedSpec spec = SeedSpec.of(patients, physicians, 42);
        try (LocalPostgres pg = LocalPostgres.builder().setting("shared_buffers", "256MB").start()) {
            DataSource legacyDb = pg.dataSource("legacy", 16);
            DataSource serviceDb = pg.dataSource("appointments", 16);
            long t0 = System.nanoTime();
            MonolithSeeder.Result seeded = MonolithSeeder.seed(legacyDb, spec);
            long t1 = System.nanoTime();
            long imported = LegacyImport.copy(legacyDb, serviceDb, ZONE);
            long t2 = System.nanoTime();
            OUT.printf("seeded monolith: %d patients, %d physicians, %d licences, %d appointments in %.1f s%n",
                    seeded.patients(), seeded.physicians(), seeded.licences(), seeded.appointments(), (t1 - t0) / 1e9);
            OUT.printf("copied %d rows into the appointments service in %.1f s%n", imported, (t2 - t1) / 1e9);
            SampleData data = SampleData.generate(spec);
            try (MonolithApp monolith = MonolithApp.start(MonolithConfig.builder(legacyDb).clock(CLOCK).build());
                    AppointmentsApp service = AppointmentsApp.start(AppointmentsConfig.builder(serviceDb).clock(CLOCK).build())) {
                List<Target> targets = List.of(new Target("monolith", monolith.port()), new Target("service", service.port()));
                OUT.printf("load: closed loop, %d clients, %d warm-up + %d measured requests per operation and target%n",
                        concurrency, warmup, requests);
                List<Result> results = new ArrayList<>();
                for (String op : List.of("free-slots", "book")) {
                    for (int rep = 0; rep < 2; rep++) { // alternate the order so neither side always runs second
                        List<Target> order = rep == 0 ? targets : List.of(targets.get(1), targets.get(0));
                        for (Target t : order) {
                            run(t, op, requests(op, data, spec, warmup, 1000 + rep), concurrency);
                            results.add(run(t, op, requests(op, data, spec, requests / 2, rep), concurrency));
                        }
                    }
                }
                report(results);
            }
        }
    }

    /** A deterministic request sequence: (method, path, body). */
    private static List<String[]> requests(String op, SampleData data, SeedSpec spec, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 7919 + op.length());
        List<String[]> out = new ArrayList<>(n);
        if (op.equals("free-slots")) {
            for (int i = 0; i < n; i++) {
                LocalDate day = spec.firstDay().plusDays(rnd.nextInt(spec.days()));
                out.add(new String[] {"GET", "/appointments/slots?physicianId=" + (1 + rnd.nextInt(spec.physicians()))
                        + "&date=" + day, null});
            }
            return out;
        }
        Map<String, List<Long>> licensed = new HashMap<>();
        data.licences().forEach(l -> licensed.computeIfAbsent(l.state(), k -> new ArrayList<>()).add(l.physicianId()));
        int i = 0;
        while (out.size() < n) {
            SampleData.Patient p = data.patients().get(rnd.nextInt(data.patients().size()));
            List<Long> doctors = licensed.get(p.state());
            if (doctors == null) {
                continue;
            }
            // Days after the seeded ones (licences run at least a year from the first), spread out
            // so most bookings find a free slot.
            LocalDate day = spec.firstDay().plusDays(spec.days() + rnd.nextInt(300));
            String time = String.format("%02d:%02d", 9 + rnd.nextInt(8), rnd.nextBoolean() ? 0 : 30);
            out.add(new String[] {"POST", "/appointments", "{\"patientId\":" + p.id() + ",\"physicianId\":"
                    + doctors.get(rnd.nextInt(doctors.size())) + ",\"startsAt\":\"" + day + "T" + time + ":00"
                    + day.atTime(9, 0).atZone(ZONE).getOffset() + "\",\"reason\":\"bench " + i++ + "\"}"});
        }
        return out;
    }

    private static Result run(Target t, String op, List<String[]> reqs, int concurrency) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(2)).build();
        long[] micros = new long[reqs.size()];
        Map<Integer, Integer> statuses = new TreeMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < reqs.size(); i = next.getAndIncrement()) {
                    String[] r = reqs.get(i);
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + r[1]))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
                    b.method(r[0], r[2] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r[2]));
                    long t0 = System.nanoTime();
                    HttpResponse<String> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    micros[i] = (System.nanoTime() - t0) / 1_000;
                    synchronized (statuses) {
                        statuses.merge(resp.statusCode(), 1, Integer::sum);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(micros);
        return new Result(op, t.name(), micros, seconds, statuses);
    }

    private static void report(List<Result> results) {
        OUT.printf("%n%-11s %-9s %9s %9s %9s %10s  %s%n", "operation", "target", "p50 ms", "p99 ms", "req/s",
                "requests", "statuses");
        Map<String, Result> merged = new java.util.LinkedHashMap<>();
        for (Result r : results) {
            merged.merge(r.op() + "/" + r.target(), r, AppointmentsBench::merge);
        }
        for (Result r : merged.values()) {
            OUT.printf("%-11s %-9s %9.2f %9.2f %9.0f %10d  %s%n", r.op(), r.target(), r.pct(0.50) / 1000.0,
                    r.pct(0.99) / 1000.0, r.micros().length / r.seconds(), r.micros().length, r.statuses());
        }
        OUT.println();
        for (String op : List.of("free-slots", "book")) {
            Result m = merged.get(op + "/monolith");
            Result s = merged.get(op + "/service");
            OUT.printf("%-11s monolith/service: p50 x%.2f, p99 x%.2f, throughput service/monolith x%.2f%n", op,
                    (double) m.pct(0.50) / s.pct(0.50), (double) m.pct(0.99) / s.pct(0.99),
                    (s.micros().length / s.seconds()) / (m.micros().length / m.seconds()));
        }
    }

    private static Result merge(Result a, Result b) {
        long[] all = new long[a.micros().length + b.micros().length];
        System.arraycopy(a.micros(), 0, all, 0, a.micros().length);
        System.arraycopy(b.micros(), 0, all, a.micros().length, b.micros().length);
        Arrays.sort(all);
        Map<Integer, Integer> st = new TreeMap<>(a.statuses());
        b.statuses().forEach((k, v) -> st.merge(k, v, Integer::sum));
        return new Result(a.op(), a.target(), all, a.seconds() + b.seconds(), st);
    }
}
