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
    private final VideoService video;

    private MonolithApp(SampleServer server, VideoService video) {
        this.server = server;
        this.video = video;
    }

    /** The monolith's schema migrations ({@code db/monolith/} on the classpath). */
    public static SqlMigrations migrations() {
        return SqlMigrations.fromClasspath(MonolithApp.class.getClassLoader(), "db/monolith");
    }

    /** Migrates the database, then binds and serves. */
    public static MonolithApp start(MonolithConfig config) {
        migrations().migrate(config.dataSource());
        VideoService video = new VideoService(config);
        SampleServer server = SampleServer.builder("monolith")
                .host(config.host())
                .port(config.port())
                .clock(config.clock())
                .blockingThreads(config.blockingThreads())
                .maxBodyBytes(config.maxBodyBytes())
                .routes(routes(config, video))
                .start();
        return new MonolithApp(server, video);
    }

    /** Every endpoint of the monolith. */
    static Routes routes(MonolithConfig config, VideoService video) {
        return new Routes()
                .get("/health", r -> Response.ok(Map.of("status", "UP")))
                .include(new PatientService(config).routes())
                .include(new PhysicianService(config).routes())
                .include(new AppointmentService(config).routes())
                .include(new PrescriptionService(config).routes())
                .include(new LoginSessionService(config).routes())
                .include(video.routes());
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** Signalling connections open right now (all rooms). */
    public int openSignallingSessions() {
        return video.openSignallingSessions();
    }

    @Override
    public void close() {
        server.close();
    }
}
