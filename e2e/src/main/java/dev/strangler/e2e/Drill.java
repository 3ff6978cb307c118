package dev.strangler.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cdc.ShippedMappings;
import dev.strangler.cli.demo.StartedParts;
import dev.strangler.cli.demo.WorkFiles;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import dev.strangler.sample.monolith.MonolithSeeder;
import dev.strangler.sample.monolith.SeedSpec;
import dev.strangler.services.appointments.AppointmentsApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration drill: everything real in one run, under load, in the order an actual migration
 * meets it. A data PostgreSQL (monolith + appointments + diff store) and a separate control-plane
 * PostgreSQL; the seeded sample monolith (in this JVM); the appointments service, the forward and
 * reverse CDC syncers and two proxies as child JVMs started with the real {@code strangler} command
 * (so they can be SIGKILLed / SIGTERMed); virtual patients sending through both proxies. Operator
 * actions go through the real {@code strangler} command line, in-process.
 *
 * <p>Phases: baseline; 1 mirror on + {@code strangler ramp} 0→100 % of the reads route; 2 the
 * writes route 0 → 100 % in one step, with {@code strangler cdc owner appointments both → new};
 * 3 kill -9 the appointments service and restart it; 4 kill -9 the reverse CDC syncer mid-stream
 * and restart it; 5 blue-green both proxies (new instance on the same port with reusePort, SIGTERM
 * drains the old); 6 restart the control-plane database; 7 {@code strangler rollback --all} and
 * ownership back to the monolith (runbooks/rollback.md).
 */
public final class Drill implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Drill.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE = "appointments";
    /** POST/PUT/PATCH/DELETE of the appointments API: moved 0 → 100 % in one step with write ownership. */
    private static final String WRITES_ROUTE = "appointments-writes";
    private static final String FWD = "drill_fwd";
    private static final String REV = "drill_rev";
    private static final Duration START = Duration.ofSeconds(180); // JVM start-ups on a loaded 2-core machine

    private final DrillSettings settings;
    private final Path work;
    private final Path logs;
    private final StartedParts parts = new StartedParts("drill");
    private final List<PhaseStats> phases = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Cli cli;
    private final Map<String, String> env = new HashMap<>();
    private final AtomicLong lagPeakFwd = new AtomicLong();
    private final AtomicLong lagPeakRev = new AtomicLong();
    private final List<Integer> drainedExitCodes = new ArrayList<>();
    private volatile PhaseStats current;

    private LocalPostgres dataPg;
    private LocalPostgres controlPg;
    private HikariDataSource monolithDb;
    private HikariDataSource appointmentsDb;
    private Path mapping;
    private int monolithPort;
    private int appointmentsPort;
    private int appointmentsRuns;
    private Child appointments;
    private Child fwdSync;
    private Child revSync;
    private final Proxy[] proxies = new Proxy[2];
    private int proxyRuns;
    private String diffStoreUrl;
    private SeedSpec seed;
    private final Map<String, Integer> syncMetricsPorts = new HashMap<>();
    private final Map<String, Long> fallbacksSeen = new HashMap<>();
    private long fallbacksTotal;
    private int lastTolerated;

    /** One running proxy instance: its process and ports. */
    private record Proxy(String instance, Child child, int port, int adminPort) {
        URI admin() {
            return URI.create("http://127.0.0.1:" + adminPort);
        }
    }

    private Drill(DrillSettings settings) throws IOException {
        this.settings = settings;
        if (Files.exists(settings.workDir())) {
            WorkFiles.deleteRecursively(settings.workDir()); // a previous run's databases and logs: the drill starts clean
        }
        this.work = Files.createDirectories(settings.workDir());
        this.logs = Files.createDirectories(work.resolve("logs"));
        this.cli = new Cli(Files.createDirectories(work.resolve("home")));
    }

    /** Runs the whole drill and returns what it measured; everything it started is stopped. */
    public static DrillResult run(DrillSettings settings) throws Exception {
        try (Drill drill = new Drill(settings)) {
            return drill.runPhases();
        }
    }

    private DrillResult runPhases() throws Exception {
        long t0 = System.nanoTime();
        startEverything();
        log.info("drill: everything up in {} ms; load starts", (System.nanoTime() - t0) / 1_000_000);
        PhaseStats baseline = enter("0 baseline (weight 0 %, mirroring)");
        PatientLoad load = parts.track(PatientLoad.start(List.of(proxyUrl(0), proxyUrl(1)), monolithDb,
                seed.firstDay(), seed.days(), settings.rps(), () -> current));
        startLagSampler();
        hold();
        Child.await(Duration.ofSeconds(30), () -> mirrored() > 0, "mirrored copies (phase 1 starts with mirroring on)");
        long mirrored = mirrored();
        baseline.note("mirrored copies so far: " + mirrored);

        enter("1 mirror + ramp 0→100 %");
        Cli.Result ramp = cli("ramp", ROUTE, "--steps", "20,100", "--hold", settings.rampHold().toMillis() + "ms",
                "--check-interval", "500ms", "--min-requests", "5", "--min-comparisons", "0", "--max-wait", "60s",
                "--no-gate", "p99", "--max-cdc-lag", "10s", "--legacy-db", legacyUrl(), "--new-db", newUrl(),
                "--slot", FWD, "--mapping", mapping.toString(), "--reason", "drill: ramp").orThrow();
        current.note(lastLine(ramp.out()));
        hold();

        enter("2 writes → new (route + cdc owner)");
        // Both directions apply while the writes route moves, so a booking in flight on either side during the
        // switch reaches the other; then the service owns writes (runbooks/first-cutover.md).
        // (The reverse slot is not a gate yet: it has applied nothing while the service took no writes.)
        String both = bothSyncersApply(cli("cdc", "owner", "appointments", "both", "--reason", "drill: writes are moving",
                "--slot", FWD, "--reverse-slot", REV, "--await", "60s", "--legacy-db", legacyUrl(), "--new-db", newUrl(),
                "--mapping", mapping.toString(), "--actor", "drill", "--max-dlq", knownDeadLetters()).orThrow());
        cli("routes", "set-weight", WRITES_ROUTE, "100%", "--reason", "drill: writes to the service").orThrow();
        Child.await(Duration.ofSeconds(60), () -> cdcStatus(REV, "reverse").path("position").isTextual(),
                "the reverse syncer to have applied the service's first writes");
        current.note(both + "; " + cli("cdc", "owner", "appointments", "new", "--reason", "drill: the service owns writes",
                "--slot", FWD, "--reverse-slot", REV, "--legacy-db", legacyUrl(), "--new-db", newUrl(),
                "--mapping", mapping.toString(), "--actor", "drill", "--max-dlq", knownDeadLetters()).orThrow().out().strip()
                .replace("\n", "; ") + tolerated());
        hold();

        enter("3 kill -9 appointments service");
        long down = System.nanoTime();
        appointments.kill();
        startAppointments();
        current.note("down → listening again in " + (System.nanoTime() - down) / 1_000_000 + " ms");
        hold();

        enter("4 kill -9 reverse CDC syncer");
        long killed = System.nanoTime();
        revSync.kill();
        revSync = startSync(REV, "reverse", false);
        Child.await(START, () -> "ACTIVE".equals(cdcStatus(REV, "reverse").path("state").asText()),
                "the restarted reverse syncer to stream");
        current.note("killed → streaming again in " + (System.nanoTime() - killed) / 1_000_000 + " ms");
        hold();

        enter("5 blue-green proxy A, then B");
        StringBuilder bg = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            bg.append(blueGreen(i)).append(i == 0 ? "; " : "");
        }
        current.note(bg.toString());
        hold();

        enter("6 restart control-plane db");
        long restart = System.nanoTime();
        controlPg.restart();
        for (int i = 0; i < 2; i++) {
            int p = i;
            Child.await(Duration.ofSeconds(60), () -> "connected".equals(readyz(proxies[p]).path("controlPlane").asText()),
                    "proxy " + proxies[p].instance() + " to reconnect to the control plane");
        }
        long reconnected = (System.nanoTime() - restart) / 1_000_000;
        // A change must commit again; while a proxy has not noticed the restart yet it answers 503
        // control_plane_unavailable ("retry when the database is back"), which is what an operator does.
        int[] attempts = {0};
        Child.await(Duration.ofSeconds(60), () -> ++attempts[0] > 0 && cli("routes", "set-weight", ROUTE, "100%",
                "--reason", "drill: control plane back, change goes through").exit() == 0, "a weight change to commit");
        current.note("restart → both proxies connected in " + reconnected + " ms; a weight change commits again (attempt "
                + attempts[0] + ")");
        hold();

        enter("7 rollback --all");
        // Both directions apply before the route moves back: a write the monolith takes between the rollback
        // and the ownership change must not be skipped by the forward syncer as "not the owner".
        // runbooks/dlq-not-empty.md: writes parked as "not the owner" (the proxies replayed them on the monolith while
        // the service owned writes, phase 3) are applied by a retry; slot conflicts stay (they fail again). They
        // block ownership changes until then.
        String retried = retryDeadLetters(FWD, "forward") + "; " + retryDeadLetters(REV, "reverse");
        String bothAgain = bothSyncersApply(cli("cdc", "owner", "appointments", "both", "--reason", "drill rollback: both directions apply",
                "--slot", FWD, "--reverse-slot", REV, "--await", "60s", "--new-db", newUrl(), "--legacy-db", legacyUrl(),
                "--mapping", mapping.toString(), "--actor", "drill", "--max-dlq", knownDeadLetters()).orThrow());
        long rollbackMillis = rollbackAll();
        // runbooks/rollback.md: once the reverse syncer has applied what the service wrote, the monolith owns writes.
        Child.await(Duration.ofSeconds(30), () -> cdcStatus(REV, "reverse").path("lagMs").asLong(Long.MAX_VALUE) < 5_000,
                "the reverse syncer to catch up");
        Cli.Result toLegacy = cli("cdc", "owner", "appointments", "legacy", "--reason", "drill rollback: the monolith owns writes",
                "--slot", FWD, "--reverse-slot", REV, "--legacy-db", legacyUrl(), "--new-db", newUrl(),
                "--mapping", mapping.toString(), "--actor", "drill", "--max-dlq", knownDeadLetters());
        String ownerBack = toLegacy.exit() == 0 ? "owner new → both → legacy" + tolerated()
                : "`cdc owner appointments legacy` refused: " + lastLine(toLegacy.out() + toLegacy.err());
        current.note(bothAgain + "; both proxies at 0 % " + rollbackMillis + " ms after `strangler rollback --all` started; dlq retry "
                + retried + "; " + ownerBack);
        hold();

        load.close();
        countFallbacks(current);
        current.end();
        long catchUp = System.nanoTime();
        Map<Long, PatientLoad.Expected> acked = load.acknowledged();
        List<LossCauses.Missing> missing = awaitWritesInBothDatabases(acked, settings.catchUp());
        long catchUpMillis = (System.nanoTime() - catchUp) / 1_000_000;
        Cli.Result verify = cli("cdc", "verify", "--legacy-db", legacyUrl(), "--new-db", newUrl(), "--mapping",
                mapping.toString(), "--slot", FWD);
        List<String> differing = verify.out().lines().filter(l -> l.matches("^(missing|extra|different) .*")).toList();
        long differences = differing.size();
        List<String> deadLetters = new ArrayList<>();
        deadLetters.addAll(deadLetters(FWD, "forward"));
        deadLetters.addAll(deadLetters(REV, "reverse"));
        List<LossCauses.Missing> lost = LossCauses.classify(missing, deadLetters);
        long unexplainedDifferences = differing.stream().filter(d -> !LossCauses.explains(lost, d)).count();
        return new DrillResult(List.copyOf(phases), acked.size(), lost, catchUpMillis, verify.exit(), differences,
                unexplainedDifferences,
                lastLine(verify.out() + verify.err()), deadLetters, fallbacksTotal,
                Math.round(metric(URI.create("http://127.0.0.1:" + syncMetricsPorts.get(FWD)), "strangler_cdc_skipped_not_owner_total")),
                lagPeakFwd.get(), lagPeakRev.get(), rollbackMillis,
                List.copyOf(drainedExitCodes), mirrored);
    }

    // ---------------------------------------------------------------- start-up

    private void startEverything() {
        dataPg = parts.track(LocalPostgres.builder().dataDirectory(work.resolve("pg-data")).start());
        controlPg = parts.track(LocalPostgres.builder().dataDirectory(work.resolve("pg-control")).start());
        controlPg.createDatabase("control");
        monolithDb = dataPg.dataSource("monolith", 8);
        appointmentsDb = dataPg.dataSource("appointments", 4);
        dataPg.createDatabase("shadow");
        diffStoreUrl = dataPg.jdbcUrl("shadow");

        seed = SeedSpec.of(settings.patients(), settings.physicians(), 42);
        MonolithSeeder.seed(monolithDb, seed);
        exec(monolithDb, "ALTER TABLE phys_lic REPLICA IDENTITY FULL"); // the mapping's key is not the PK
        MonolithApp monolith = parts.track(MonolithApp.start(MonolithConfig.builder(monolithDb).build()));
        monolithPort = monolith.port();
        AppointmentsApp.migrations().migrate(appointmentsDb);
        mapping = ShippedMappings.extract("appointments", work);

        // Children start together (two cores: their JVM start-ups overlap with the snapshot); proxies need only
        // the backends' ports, which are fixed before anything listens.
        appointmentsPort = Ports.free();
        String token = WorkFiles.newToken();
        writeSecret("admin-token", token);
        writeSecret("shadow-hmac-key", WorkFiles.newToken());
        fwdSync = startSync(FWD, "forward", true);
        Child service = launchAppointments();
        for (int i = 0; i < 2; i++) {
            proxies[i] = startProxy(Ports.free());
        }
        long rows = count(monolithDb, "SELECT count(*) FROM appt");
        Child.await(START, () -> count(appointmentsDb, "SELECT count(*) FROM appointments") >= rows,
                "the forward CDC snapshot to copy " + rows + " appointments");
        revSync = startSync(REV, "reverse", false);
        // The reverse syncer streams only what is committed after its slot exists (--no-snapshot): before
        // any traffic can reach the service, its slot must be there (the drill's first run lost the
        // ramp's first bookings without this wait).
        Child.await(START, () -> "ACTIVE".equals(cdcStatus(REV, "reverse").path("state").asText()),
                "the reverse syncer's slot to stream");
        service.awaitLog("listening on", START);
        for (Proxy p : proxies) {
            awaitReady(p);
        }
        env.put("STRANGLER_TOKEN", token);
        env.put("STRANGLER_ADMIN_URL", proxies[0].admin().toString());
    }

    private Child startSync(String slot, String direction, boolean snapshot) {
        int metricsPort = Ports.free();
        syncMetricsPorts.put(slot, metricsPort);
        List<String> args = new ArrayList<>(List.of("cdc", "run", "--slot", slot, "--direction", direction,
                "--legacy-db", legacyUrl(), "--new-db", newUrl(), "--mapping", mapping.toString(),
                "--metrics-listen", "127.0.0.1:" + metricsPort));
        if (!snapshot) {
            args.add("--no-snapshot");
        }
        return parts.track(Child.start("cdc-" + slot, logs, args));
    }

    private void startAppointments() {
        launchAppointments().awaitLog("listening on", START);
    }

    private Child launchAppointments() {
        appointmentsRuns++;
        appointments = parts.track(Child.start("appointments-" + appointmentsRuns, logs, List.of("sample", "appointments",
                "--db", newUrl(), "--port", Integer.toString(appointmentsPort))));
        return appointments;
    }

    private Proxy startProxy(int port) {
        proxyRuns++;
        String instance = "p" + proxyRuns;
        int admin = Ports.free();
        Path config = ProxyConfigs.write(work, instance, port, admin, monolithPort, appointmentsPort, diffStoreUrl);
        Child child = parts.track(Child.start("proxy-" + instance, logs, List.of("proxy", "--config", config.toString(),
                "--control-db", controlPg.jdbcUrl("control"))));
        return new Proxy(instance, child, port, admin);
    }

    private void awaitReady(Proxy p) {
        Child.await(START, () -> {
            if (!p.child().isAlive()) {
                throw new IllegalStateException("drill: proxy " + p.instance() + " exited:\n" + p.child().logText());
            }
            return "ready".equals(readyz(p).path("status").asText());
        }, "proxy " + p.instance() + " to be ready");
    }

    // ---------------------------------------------------------------- phase actions

    /** Starts a new instance on the old one's port (reusePort), waits until ready, SIGTERMs the old one. */
    private String blueGreen(int index) {
        Proxy old = proxies[index];
        long t0 = System.nanoTime();
        Proxy next = startProxy(old.port());
        awaitReady(next);
        long ready = (System.nanoTime() - t0) / 1_000_000;
        proxies[index] = next;
        if (index == 0) {
            env.put("STRANGLER_ADMIN_URL", next.admin().toString());
        }
        long term = System.nanoTime();
        int exit = old.child().terminate(Duration.ofSeconds(60));
        drainedExitCodes.add(exit);
        return old.instance() + "→" + next.instance() + ": new ready in " + ready + " ms, old drained in "
                + (System.nanoTime() - term) / 1_000_000 + " ms (exit " + exit + ")";
    }

    /**
     * {@code strangler rollback --all} against one proxy; returns the time from the command's start
     * until both proxies' admin APIs show the appointments route at 0 %.
     */
    private long rollbackAll() throws InterruptedException {
        long t0 = System.nanoTime();
        long[] seen = new long[2];
        List<Thread> watchers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int p = i;
            Thread t = new Thread(() -> {
                Child.await(Duration.ofSeconds(30), () -> weightBps(proxies[p]) == 0, "proxy " + proxies[p].instance()
                        + " to serve the rolled-back table");
                seen[p] = System.nanoTime();
            }, "drill-rollback-watch-" + i);
            t.start();
            watchers.add(t);
        }
        cli("rollback", "--all", "--reason", "drill: rollback everything").orThrow();
        for (Thread t : watchers) {
            t.join();
        }
        if (seen[0] == 0 || seen[1] == 0) {
            throw new IllegalStateException("drill: a proxy never served the rolled-back table");
        }
        return (Math.max(seen[0], seen[1]) - t0) / 1_000_000;
    }

    private PhaseStats enter(String name) {
        if (current != null) {
            countFallbacks(current);
            current.end();
        }
        PhaseStats stats = new PhaseStats(name);
        stats.begin();
        phases.add(stats);
        current = stats;
        log.info("drill: phase {}", name);
        return stats;
    }

    private void hold() throws InterruptedException {
        Thread.sleep(settings.phase().toMillis()); // load time of the phase: the load is the point, not a wait
    }

    /** Every second: lag of both syncers as `strangler cdc status` reports it; the peak per phase and overall. */
    private void startLagSampler() {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drill-lag");
            t.setDaemon(true);
            return t;
        });
        parts.track(sampler::shutdownNow);
        sampler.scheduleWithFixedDelay(() -> {
            try {
                long f = cdcStatus(FWD, "forward").path("lagMs").asLong(-1);
                long r = cdcStatus(REV, "reverse").path("lagMs").asLong(-1);
                lagPeakFwd.accumulateAndGet(f, Math::max);
                lagPeakRev.accumulateAndGet(r, Math::max);
                PhaseStats p = current;
                if (p != null) {
                    p.lag(Math.max(f, r));
                }
            } catch (RuntimeException e) {
                log.debug("drill: lag sample failed: {}", e.toString());
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- checks

    /**
     * Waits until every acknowledged write is in both databases in the state it left (booked rows
     * present; cancelled rows cancelled); returns what is still missing after {@code timeout}.
     */
    private List<LossCauses.Missing> awaitWritesInBothDatabases(Map<Long, PatientLoad.Expected> acked, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<LossCauses.Missing> missing;
        do {
            missing = new ArrayList<>();
            Map<Long, String> legacy = states(monolithDb, "SELECT appt_id, appt_stat FROM appt WHERE appt_id = ANY(?)", acked);
            Map<Long, String> fresh = states(appointmentsDb, "SELECT id, status::text FROM appointments WHERE id = ANY(?)", acked);
            for (Map.Entry<Long, PatientLoad.Expected> e : acked.entrySet()) {
                boolean cancelled = e.getValue() == PatientLoad.Expected.CANCELLED;
                String l = legacy.get(e.getKey());
                String n = fresh.get(e.getKey());
                if (l == null || n == null || cancelled && !("C".equals(l) && "CANCELLED".equals(n))) {
                    missing.add(new LossCauses.Missing(e.getKey(), e.getValue(), l, n, null));
                }
            }
            if (missing.isEmpty()) {
                return missing;
            }
            try {
                Thread.sleep(200); // polling for CDC catch-up, bounded by the deadline
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return missing;
            }
        } while (System.nanoTime() < deadline);
        return missing;
    }

    private static Map<Long, String> states(HikariDataSource ds, String sql, Map<Long, PatientLoad.Expected> ids) {
        Map<Long, String> out = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Array arr = c.createArrayOf("bigint", ids.keySet().toArray());
            ps.setArray(1, arr);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("drill: reading appointment states: " + e.getMessage(), e);
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * `cdc owner` waits until the syncers it names apply the change; routing writes before both
     * directions apply would park bookings as "not the owner".
     */
    private String bothSyncersApply(Cli.Result owner) {
        if (!owner.out().contains("applied by the syncers of " + FWD + ", " + REV)) {
            throw new IllegalStateException("drill: the syncers did not confirm the new owner:\n" + owner.out() + owner.err());
        }
        return "owner both " + lastLine(owner.out());
    }

    private Cli.Result cli(String... args) {
        Cli.Result r = cli.run(env, args);
        log.info("drill: strangler {} → exit {}", String.join(" ", args), r.exit());
        return r;
    }

    private JsonNode cdcStatus(String slot, String direction) {
        Cli.Result r = cli.run(env, "cdc", "status", "--slot", slot, "--direction", direction, "--legacy-db", legacyUrl(),
                "--new-db", newUrl(), "--mapping", mapping.toString(), "--output", "json");
        try {
            return r.exit() == 0 ? JSON.readTree(r.out()) : JSON.missingNode();
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    /**
     * The {@code --max-dlq} bound for an ownership change: the number of dead letters when every one is of
     * a diagnosed kind (docs/drill.md, "What the drill found"), else 0 so the gate refuses.
     * Recorded, so the table says the gate was widened and by how much.
     */
    private String knownDeadLetters() {
        List<String> dead = new ArrayList<>(deadLetters(FWD, "forward"));
        dead.addAll(deadLetters(REV, "reverse"));
        boolean allKnown = dead.stream().allMatch(LossCauses::isDiagnosed);
        dead.forEach(l -> log.info("drill: dead letter {}", l)); // table, op, key, LSN, reason: no row values
        lastTolerated = allKnown ? dead.size() : 0;
        return Integer.toString(lastTolerated);
    }

    /** {@code strangler cdc dlq retry --all} on one slot; returns its summary line (it exits 1 while some still fail). */
    private String retryDeadLetters(String slot, String direction) {
        Cli.Result r = cli("cdc", "dlq", "retry", "--all", "--slot", slot, "--direction", direction, "--legacy-db", legacyUrl(),
                "--new-db", newUrl(), "--mapping", mapping.toString());
        log.info("drill: dlq retry {}: {}", slot, (r.out() + r.err()).strip());
        return slot + ": " + lastLine(r.out() + r.err());
    }

    private String tolerated() {
        return lastTolerated == 0 ? "" : " (--max-dlq " + lastTolerated + ": that many diagnosed dead letters)";
    }

    /** Dead letters of one slot as `strangler cdc dlq list` prints them (table, op, key, reason: no row values). */
    private List<String> deadLetters(String slot, String direction) {
        Cli.Result r = cli.run(env, "cdc", "dlq", "list", "--slot", slot, "--direction", direction, "--legacy-db", legacyUrl(),
                "--new-db", newUrl(), "--mapping", mapping.toString());
        if (r.exit() != 0) {
            return List.of(slot + ": `cdc dlq list` failed: " + lastLine(r.out() + r.err()));
        }
        return r.out().lines().skip(1).filter(l -> !l.isBlank()).map(l -> slot + ": " + l).toList();
    }

    private JsonNode readyz(Proxy p) {
        return getJson(URI.create(p.admin() + "/readyz"));
    }

    private int weightBps(Proxy p) {
        for (JsonNode r : getJson(URI.create(p.admin() + "/api/routes")).path("routes")) {
            if (ROUTE.equals(r.path("id").asText())) {
                return r.path("weightBps").asInt(-1);
            }
        }
        return -1;
    }

    /** Mirrored copies sent by both proxies so far (Prometheus counter, all outcomes). */
    private long mirrored() {
        return Math.round(metric(proxies[0].admin(), "strangler_proxy_mirror_requests_total")
                + metric(proxies[1].admin(), "strangler_proxy_mirror_requests_total"));
    }

    /**
     * Requests the proxies replayed on the monolith during the phase ({@code strangler_proxy_fallbacks_total},
     * every reason but {@code stale_connection}); a proxy replaced by blue-green counts up to its last scrape.
     */
    private void countFallbacks(PhaseStats phase) {
        long delta = 0;
        for (Proxy p : proxies) {
            double now = metric(p.admin(), "strangler_proxy_fallbacks_total")
                    - metric(p.admin(), "strangler_proxy_fallbacks_total", "reason=\"stale_connection\"");
            long before = fallbacksSeen.getOrDefault(p.instance(), 0L);
            fallbacksSeen.put(p.instance(), Math.round(now));
            delta += Math.round(now) - before;
        }
        fallbacksTotal += delta;
        phase.fallbacks(delta);
    }

    /** Sum of a Prometheus counter over its label sets from {@code base}/metrics; 0 if absent or unreachable. */
    private double metric(URI base, String name) {
        return metric(base, name, "");
    }

    /** As {@link #metric(URI, String)}, only the label sets containing {@code label} (e.g. {@code reason="x"}). */
    private double metric(URI base, String name, String label) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && l.contains(label))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private JsonNode getJson(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return JSON.missingNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.missingNode();
        }
    }

    private URI proxyUrl(int i) {
        return URI.create("http://127.0.0.1:" + proxies[i].port() + "/");
    }

    private String legacyUrl() {
        return dataPg.jdbcUrl("monolith");
    }

    private String newUrl() {
        return dataPg.jdbcUrl("appointments");
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static void exec(HikariDataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("drill: " + sql + ": " + e.getMessage(), e);
        }
    }

    private static long count(HikariDataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("drill: " + sql + ": " + e.getMessage(), e);
        }
    }

    private void writeSecret(String name, String value) {
        try {
            WorkFiles.writePrivate(work.resolve(name), value + "\n"); // tokens: readable by the owner only
        } catch (IOException e) {
            throw new IllegalStateException("drill: cannot write " + name + ": " + e.getMessage(), e);
        }
    }

    /** Stops everything in reverse order: load, proxies, service, syncers (before PostgreSQL), databases. */
    @Override
    public void close() {
        parts.stopAll();
        if (!settings.keep()) { // child logs stay for a post-mortem; databases and configs go
            try (var entries = Files.list(work)) {
                entries.filter(p -> !p.equals(logs)).forEach(WorkFiles::deleteRecursively);
            } catch (IOException e) {
                log.warn("drill: could not clean {}: {}", work, e.getMessage());
            }
        }
    }
}
