package dev.strangler.cli.command;

import dev.strangler.proxy.ConfigError;
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
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Run the strangler routing proxy and its admin API.",
                "Stops gracefully on SIGTERM/Ctrl-C: stops accepting, lets in-flight requests finish.",
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
        if (check) {
            out.printf("%s: OK (%d backends, %d routes, listen %s, admin %s)%n", config, cfg.backends().size(),
                    cfg.routes().size(), cfg.listen(), cfg.admin().listen());
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
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "strangler-proxy-shutdown"));
        out.printf("proxy on %s:%d, admin API on %s:%d (Ctrl-C to stop)%n", cfg.listen().host(), server.port(),
                cfg.admin().listen().host(), server.adminPort());
        out.flush();
        stopped.await();
        return 0;
    }
}
