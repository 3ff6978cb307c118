package dev.strangler.sample.monolith;

import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.SampleServer;
import dev.strangler.sample.http.SqlMigrations;
import java.util.Map;

/**
 * The telehealth monolith, running: patients, physicians and their licences, appointments,
 * prescriptions, login sessions and video sessions over JSON/HTTP and WebSocket, on one
 * PostgreSQL database. Start with {@link #start(MonolithConfig)}; close to stop (the data
 * source stays open: the caller owns it).
 */
public final class MonolithApp implements AutoCloseable {

    private final SampleServer server;

    private MonolithApp(SampleServer server) {
        this.server = server;
    }

    /** The monolith's schema migrations ({@code db/monolith/} on the classpath). */
    public static SqlMigrations migrations() {
        return SqlMigrations.fromClasspath(MonolithApp.class.getClassLoader(), "db/monolith");
    }

    /** Migrates the database, then binds and serves. */
    public static MonolithApp start(MonolithConfig config) {
        migrations().migrate(config.dataSource());
        SampleServer server = SampleServer.builder("monolith")
                .host(config.host())
                .port(config.port())
                .clock(config.clock())
                .blockingThreads(config.blockingThreads())
                .maxBodyBytes(config.maxBodyBytes())
                .routes(routes(config))
                .start();
        return new MonolithApp(server);
    }

    /** Every endpoint of the monolith. */
    static Routes routes(MonolithConfig config) {
        return new Routes()
                .get("/health", r -> Response.ok(Map.of("status", "UP")))
                .include(new PatientService(config).routes())
                .include(new PhysicianService(config).routes())
                .include(new AppointmentService(config).routes())
                .include(new PrescriptionService(config).routes())
                .include(new LoginSessionService(config).routes())
                .include(new VideoService(config).routes());
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
