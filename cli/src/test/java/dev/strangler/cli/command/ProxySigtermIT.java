package dev.strangler.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strangler proxy} as a real process: SIGTERM turns /readyz 503 at once, lets a slow request
 * finish, and the process exits 0 (not 143).
 */
class ProxySigtermIT {

    private static final Pattern PORTS = Pattern.compile("proxy on [^:]+:(\\d+), admin API on [^:]+:(\\d+)");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path dir;
    private HttpServer backend;
    private Process process;

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.setExecutor(Executors.newFixedThreadPool(4));
        CountDownLatch slowArrived = new CountDownLatch(1);
        backend.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/slow")) {
                slowArrived.countDown();
                try {
                    Thread.sleep(2_000); // the slow request the drain must let finish
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        Path config = dir.resolve("strangler.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                threads: 1
                admin: { listen: 127.0.0.1:0 }
                backends:
                  monolith: http://127.0.0.1:%d
                routes:
                  - id: everything
                    match: { pathPrefix: / }
                    legacy: monolith
                state: { dir: state }
                shutdown: { drainDelay: 1s, grace: 20s }
                """.formatted(backend.getAddress().getPort()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = dir.resolve("proxy.out");
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.strangler.cli.Main",
                "proxy", "--config", config.toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Matcher ports = PORTS.matcher("");
        boolean started = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            ports = PORTS.matcher(Files.readString(output));
            if (ports.find()) {
                started = true;
                break;
            }
            Thread.sleep(50); // polling the output file for the startup line
        }
        assertThat(started).as("startup line in:%n%s", Files.readString(output)).isTrue();
        int port = Integer.parseInt(ports.group(1));
        int admin = Integer.parseInt(ports.group(2));
        assertThat(get(admin, "/readyz").statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/slow")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slowArrived.await(30, TimeUnit.SECONDS)).as("slow request reached the backend").isTrue();

        process.destroy(); // SIGTERM

        assertThat(awaitReadyz503(admin)).as("/readyz turns 503 while draining").isTrue();
        assertThat(slow.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process stops").isTrue();
        String log = Files.readString(output);
        assertThat(process.exitValue()).as("exit code; output:%n%s", log).isZero();
        assertThat(log).contains("draining: /readyz 503 now").contains("proxy stopped");
    }

    private boolean awaitReadyz503(int admin) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                if (get(admin, "/readyz").statusCode() == 503) {
                    return true;
                }
            } catch (Exception e) {
                return false; // admin port gone: too late, the 503 window was missed
            }
            Thread.sleep(20); // polling interval
        }
        return false;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
