package dev.strangler.cli.command;

import dev.strangler.cli.CliEnvironment;
import dev.strangler.proxy.ConfigError;
import dev.strangler.proxy.ControlPlaneConfig;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyConfigException;
import dev.strangler.proxy.ProxyConfigLoader;
import dev.strangler.proxy.ProxyException;
import dev.strangler.proxy.ProxyServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strangler proxy --config FILE}: validates the config, then runs the routing proxy and its
 * admin API until SIGTERM/Ctrl-C, when it drains gracefully. {@code --check} only validates.
 *
 * <p>The control-plane database comes from {@code --control-db}, else {@code STRANGLER_CONTROL_DB},
 * else the config's {@code controlPlane.jdbcUrl}; without any, weights and audit stay in local files.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Run the strangler routing proxy and its admin API.",
                "Stops gracefully on SIGTERM/Ctrl-C: /readyz 503 at once, listener closed after",
                "shutdown.drainDelay, in-flight requests and WebSockets finish within shutdown.grace, exit 0.",
                "A bad config file prints every problem (file:line: key: what) and exits 2; nothing starts."},
        footer = {"%nExamples:",
                "  strangler proxy --config examples/strangler.yaml",
                "  strangler proxy --config examples/strangler.yaml --check",
                "  STRANGLER_TOKEN=$(cat /run/secrets/admin-token) strangler proxy --config /etc/strangler/strangler.yaml",
                "%nSample output:",
                "  proxy on 127.0.0.1:8080, admin API on 127.0.0.1:9901 (Ctrl-C to stop)",
                "  bad.yaml:16: routes[0].weightBps: 12000 (expected: 0..10000)      (exit 2)"})
public final class ProxyCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Proxy config (YAML).")
    private Path config;

    @Option(names = "--check", description = "Only validate the config: print every error, exit 0 (valid) or 2 (invalid).")
    private boolean check;

    /** Environment variable naming the control-plane database when {@code --control-db} is absent. */
    public static final String CONTROL_DB_ENV = "STRANGLER_CONTROL_DB";

    @Option(names = "--control-db", paramLabel = "JDBC_URL",
            description = {"PostgreSQL control plane shared by a fleet of proxies (weights, audit log), e.g.",
                    "jdbc:postgresql://db:5432/strangler?user=proxy. Default: $" + CONTROL_DB_ENV
                            + ", else the config's controlPlane.jdbcUrl, else local files (one proxy)."})
    private String controlDb;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProxyConfig cfg;
        try {
            cfg = ProxyConfigLoader.load(config);
        } catch (ProxyConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            err.flush();
            return dev.strangler.cli.CliException.USAGE; // bad input, nothing started (docs/cli.md, exit codes)
        }
        try {
            cfg = withControlPlane(cfg);
        } catch (IllegalArgumentException e) {
            err.println("strangler proxy: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (check) {
            out.printf("%s: OK (%d backends, %d routes, listen %s, admin %s, control plane %s)%n", config,
                    cfg.backends().size(), cfg.routes().size(), cfg.listen(), cfg.admin().listen(),
                    cfg.controlPlane().maskedUrl());
            out.flush();
            return 0;
        }
        LOG.info("config {}: {}", config, cfg);
        ProxyServer server;
        try {
            server = ProxyServer.start(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        } catch (ProxyException e) {
            err.println("strangler proxy: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (cfg.controlPlane().enabled()) {
            out.printf("control plane %s: %s%n", cfg.controlPlane().maskedUrl(),
                    server.controller().controlPlane().map(cp -> cp.state()).orElse("?"));
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        boolean signalsHandled = StopSignals.install(stopRequested::countDown);
        // Any other way out of the JVM (System.exit elsewhere, or signals we could not handle) still
        // stops gracefully, though without the drain delay and with the JVM's own exit code.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopRequested.countDown();
        }, "strangler-proxy-shutdown"));
        out.printf("proxy on %s:%d, admin API on %s:%d (Ctrl-C to stop)%n", cfg.listen().host(), server.port(),
                cfg.admin().listen().host(), server.adminPort());
        out.flush();
        stopRequested.await();
        if (signalsHandled) {
            out.printf("draining: /readyz 503 now, listener closes in %d ms, in-flight requests get up to %d ms%n",
                    cfg.shutdown().drainDelay().toMillis(), cfg.shutdown().grace().toMillis());
            out.flush();
            server.drainAndClose();
            out.println("proxy stopped");
            out.flush();
        }
        return 0;
    }

    /** Applies the precedence --control-db > STRANGLER_CONTROL_DB > controlPlane.jdbcUrl. */
    private ProxyConfig withControlPlane(ProxyConfig cfg) {
        String url = controlDb;
        String source = "--control-db";
        if (url == null || url.isBlank()) {
            url = CliEnvironment.of(spec).get(CONTROL_DB_ENV).orElse(null);
            source = CONTROL_DB_ENV;
        }
        if (url == null) {
            return cfg;
        }
        try {
            return cfg.withControlPlane(cfg.controlPlane().withJdbcUrl(url.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage().replaceFirst("^controlPlane\\.jdbcUrl: ", ""), e);
        }
    }
}
