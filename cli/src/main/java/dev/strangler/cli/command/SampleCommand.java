package dev.strangler.cli.command;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cli.CliException;
import dev.strangler.embedded.LocalPostgres;
import dev.strangler.sample.monolith.MonolithApp;
import dev.strangler.sample.monolith.MonolithConfig;
import dev.strangler.sample.monolith.MonolithSeeder;
import dev.strangler.sample.monolith.SeedSpec;
import dev.strangler.services.appointments.AppointmentsApp;
import dev.strangler.services.appointments.AppointmentsConfig;
import dev.strangler.services.appointments.LegacyImport;
import dev.strangler.services.video.AppointmentStatusImport;
import dev.strangler.services.video.VideoSessionsApp;
import dev.strangler.services.video.VideoSessionsConfig;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strangler sample monolith|appointments|video-sessions}: runs one sample app standalone,
 * on the database given by {@code --db} or on an embedded PostgreSQL, until Ctrl-C.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Run a sample app: the telehealth monolith or an extracted service.",
                "Without --db it starts an embedded PostgreSQL and seeds made-up data."},
        footer = {"%nExamples:",
                "  strangler sample monolith --port 8081",
                "  strangler sample appointments --port 8082 --patients 100000 --physicians 5000",
                "  strangler sample monolith --db jdbc:postgresql://db:5432/legacy?user=app&password=secret"})
public final class SampleCommand implements Callable<Integer> {

    private static final List<String> APPS = List.of("monolith", "appointments", "video-sessions");

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", completionCandidates = Apps.class,
            description = "monolith, appointments or video-sessions.")
    private String app;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    private int port = 0;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    private String host = "127.0.0.1";

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "The app's PostgreSQL database (default: an embedded PostgreSQL, deleted on exit).")
    private String db;

    @Option(names = "--patients", paramLabel = "N",
            description = "Made-up patients to seed (default: 1000 embedded, 0 with --db).")
    private Integer patients;

    @Option(names = "--physicians", paramLabel = "N",
            description = "Made-up physicians to seed (default: 50 embedded, 0 with --db).")
    private Integer physicians;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed of the made-up data (default: ${DEFAULT-VALUE}).")
    private long seed = 42;

    @Option(names = "--zone", paramLabel = "ZONE", description = "Clinic time zone (default: ${DEFAULT-VALUE}).")
    private String zone = "America/New_York";

    @Option(names = "--once", hidden = true, description = "Start, print the address, stop (smoke tests).")
    private boolean once;

    /** Completion candidates for APP. */
    static final class Apps extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Apps() {
            super(APPS);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            DataSource ds = dataSource(resources);
            AutoCloseable running = start(ds, out, resources);
            resources.add(0, running);
            out.printf("%s listening on http://%s:%d (database: %s; Ctrl-C to stop)%n", app, host, port(running),
                    db == null ? "embedded PostgreSQL" : masked(db));
            out.flush();
            if (!once) {
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    closeAll(resources);
                    stopped.countDown();
                }, "strangler-sample-shutdown"));
                stopped.await();
                return 0;
            }
        } catch (CliException e) {
            closeAll(resources);
            throw e;
        } catch (RuntimeException e) { // database unreachable, port taken, migration failed: say which
            closeAll(resources);
            throw CliException.failure(app + ": " + e.getMessage(), e);
        }
        closeAll(resources);
        return 0;
    }

    private void validate() {
        if (!APPS.contains(app)) {
            throw CliException.usage("APP: '" + app + "' (expected: monolith, appointments or video-sessions)");
        }
        if (port < 0 || port > 65_535) {
            throw CliException.usage("--port: " + port + " (expected: 0..65535)");
        }
        if ((patients != null && patients < 0) || (physicians != null && physicians < 0)) {
            throw CliException.usage("--patients/--physicians: negative (expected: 0 or more)");
        }
        if (db != null && !db.startsWith("jdbc:postgresql:")) {
            throw CliException.usage("--db: '" + masked(db) + "' (expected: jdbc:postgresql://HOST:PORT/DB?user=...)");
        }
        if (db != null && !app.equals("monolith") && seedPatients() > 0) {
            throw CliException.usage("--patients: " + app + " gets its data from the monolith by CDC; with --db, "
                    + "seed the monolith instead (or drop --db to seed an embedded database)");
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw CliException.usage("--zone: '" + zone + "' (expected: a region id such as America/New_York)");
        }
    }

    private int seedPatients() {
        return patients != null ? patients : db == null ? 1000 : 0;
    }

    private int seedPhysicians() {
        return physicians != null ? physicians : db == null ? 50 : 0;
    }

    private DataSource dataSource(List<AutoCloseable> resources) {
        if (db != null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db);
            config.setMaximumPoolSize(16);
            config.setPoolName(app);
            HikariDataSource ds = new HikariDataSource(config); // fails fast when the database is unreachable
            resources.add(ds);
            return ds;
        }
        LocalPostgres pg = LocalPostgres.start();
        resources.add(pg);
        return pg.dataSource(app.replace('-', '_'), 16);
    }

    private AutoCloseable start(DataSource ds, PrintWriter out, List<AutoCloseable> resources) {
        ZoneId clinicZone = ZoneId.of(zone);
        SeedSpec spec = SeedSpec.of(seedPatients(), seedPhysicians(), seed);
        switch (app) {
            case "monolith" -> {
                if (spec.patients() > 0 || spec.physicians() > 0) {
                    MonolithSeeder.Result r = MonolithSeeder.seed(ds, spec);
                    out.printf(r.skipped() ? "database already seeded%n" : "seeded %d patients, %d physicians, "
                            + "%d licences, %d appointments%n", r.patients(), r.physicians(), r.licences(), r.appointments());
                }
                return MonolithApp.start(MonolithConfig.builder(ds).host(host).port(port).zone(clinicZone).build());
            }
            case "appointments" -> {
                if (spec.patients() > 0) {
                    DataSource legacy = seededMonolith(resources, spec);
                    out.printf("imported %d rows from a seeded monolith database%n", LegacyImport.copy(legacy, ds, clinicZone));
                }
                return AppointmentsApp.start(AppointmentsConfig.builder(ds).host(host).port(port).zone(clinicZone).build());
            }
            default -> {
                if (spec.patients() > 0) {
                    DataSource legacy = seededMonolith(resources, spec);
                    out.printf("imported %d appointment statuses from a seeded monolith database%n",
                            AppointmentStatusImport.copy(legacy, ds));
                }
                return VideoSessionsApp.start(VideoSessionsConfig.builder(ds).host(host).port(port).build());
            }
        }
    }

    /** A monolith database in the embedded server, seeded, as the source of a service's data. */
    private static DataSource seededMonolith(List<AutoCloseable> resources, SeedSpec spec) {
        LocalPostgres pg = (LocalPostgres) resources.stream().filter(LocalPostgres.class::isInstance).findFirst()
                .orElseThrow(() -> new IllegalStateException("seeding a service needs the embedded database"));
        DataSource legacy = pg.dataSource("monolith_seed", 4);
        MonolithSeeder.seed(legacy, spec);
        return legacy;
    }

    private static int port(AutoCloseable running) {
        if (running instanceof MonolithApp m) {
            return m.port();
        }
        if (running instanceof AppointmentsApp a) {
            return a.port();
        }
        return ((VideoSessionsApp) running).port();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // Shutting down: the process exits next, nothing left to do with the failure.
                org.slf4j.LoggerFactory.getLogger(SampleCommand.class).debug("close failed: {}", e.toString());
            }
        }
        resources.clear();
    }

    private static String masked(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
