package dev.strangler.services.appointments;

import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.SampleServer;
import dev.strangler.sample.http.SqlMigrations;
import java.util.Map;

/**
 * The extracted appointments service, running: the monolith's appointment endpoints on its own
 * database. Honours {@code X-Strangler-Dry-Run: 1} on writes (answers, then rolls back). Close
 * to stop; the data source stays open (the caller owns it).
 */
public final class AppointmentsApp implements AutoCloseable {

    private final SampleServer server;

    private AppointmentsApp(SampleServer server) {
        this.server = server;
    }

    /** The service's schema migrations ({@code db/appointments/} on the classpath). */
    public static SqlMigrations migrations() {
        return SqlMigrations.fromClasspath(AppointmentsApp.class.getClassLoader(), "db/appointments");
    }

    /** Migrates the database, then binds and serves. */
    public static AppointmentsApp start(AppointmentsConfig config) {
        migrations().migrate(config.dataSource());
        SampleServer server = SampleServer.builder("appointments")
                .host(config.host())
                .port(config.port())
                .clock(config.clock())
                .blockingThreads(config.blockingThreads())
                .maxBodyBytes(config.maxBodyBytes())
                .routes(routes(config))
                .start();
        return new AppointmentsApp(server);
    }

    static Routes routes(AppointmentsConfig config) {
        return new Routes()
                .get("/health", r -> Response.ok(Map.of("status", "UP")))
                .include(new AppointmentService(config, new AppointmentRepository(config.zone())).routes());
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
