package dev.strangler.services.video;

import dev.strangler.sample.http.Response;
import dev.strangler.sample.http.Routes;
import dev.strangler.sample.http.SampleServer;
import dev.strangler.sample.http.SignallingRelay;
import dev.strangler.sample.http.SqlMigrations;
import java.util.Map;

/**
 * The extracted video-sessions service, running: rooms, join tokens and the WebSocket
 * signalling relay, with the monolith's contract, on its own database. Close to stop (open
 * signalling connections are closed); the data source stays open (the caller owns it).
 */
public final class VideoSessionsApp implements AutoCloseable {

    private final SampleServer server;
    private final SignallingRelay relay;

    private VideoSessionsApp(SampleServer server, SignallingRelay relay) {
        this.server = server;
        this.relay = relay;
    }

    /** The service's schema migrations ({@code db/video-sessions/} on the classpath). */
    public static SqlMigrations migrations() {
        return SqlMigrations.fromClasspath(VideoSessionsApp.class.getClassLoader(), "db/video-sessions");
    }

    /** Migrates the database, then binds and serves. */
    public static VideoSessionsApp start(VideoSessionsConfig config) {
        migrations().migrate(config.dataSource());
        SignallingRelay relay = new SignallingRelay();
        SampleServer server = SampleServer.builder("video-sessions")
                .host(config.host())
                .port(config.port())
                .clock(config.clock())
                .blockingThreads(config.blockingThreads())
                .maxBodyBytes(config.maxBodyBytes())
                .maxFrameBytes(config.maxBodyBytes())
                .routes(new Routes()
                        .get("/health", r -> Response.ok(Map.of("status", "UP")))
                        .include(new RoomService(config, relay).routes()))
                .start();
        return new VideoSessionsApp(server, relay);
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** Signalling connections open right now (all rooms). */
    public int openSignallingSessions() {
        return relay.openSessions();
    }

    @Override
    public void close() {
        server.close();
    }
}
