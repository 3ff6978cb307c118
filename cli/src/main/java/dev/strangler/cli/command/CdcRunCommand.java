package dev.strangler.cli.command;

import dev.strangler.cdc.CdcSync;
import dev.strangler.cdc.CdcSyncConfig;
import dev.strangler.cli.CliException;
import dev.strangler.cli.MetricsEndpoint;
import dev.strangler.proxy.HostPort;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strangler cdc run}: run a syncer in the foreground until interrupted (standby if another is active). */
@Command(name = "run", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler cdc run --legacy-db \"$STRANGLER_LEGACY_DB\" --new-db \"$STRANGLER_NEW_DB\" --mapping mappings/appointments.yaml",
                "  strangler cdc run --direction reverse --slot strangler_rev --no-snapshot",
                "  strangler cdc run --metrics-listen 0.0.0.0:9902"},
        description = "Run a syncer (snapshot, then stream) until Ctrl-C. A second instance on the same slot stands by.")
public final class CdcRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CdcOptions options;

    @Option(names = "--no-snapshot", description = "stream changes only; do not copy existing rows first")
    boolean noSnapshot;

    @Option(names = "--batch-size", defaultValue = "4096", description = "most changes per target transaction (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--wal-warn-mb", defaultValue = "1024",
            description = "warn when the slot retains more WAL than this (default: ${DEFAULT-VALUE})")
    long walWarnMb;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 0.0.0.0:9902; default: off)")
    String metricsListen;

    @Override
    public Integer call() throws InterruptedException {
        CdcSyncConfig config;
        try {
            options.mapping(); // fail fast, with every mapping problem, before connecting
            config = CdcSyncConfig.builder().source(options.sourceDb()).target(options.targetDb()).control(options.newDb())
                    .mapping(options.mapping).slot(options.slot).direction(options.direction()).snapshot(!noSnapshot)
                    .maxBatchSize(batchSize).walWarnBytes(walWarnMb << 20).build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        HostPort listen = null;
        if (metricsListen != null) {
            try {
                listen = HostPort.parse(metricsListen.strip());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--metrics-listen: " + e.getMessage());
            }
        }
        MeterRegistry registry = new SimpleMeterRegistry();
        MetricsEndpoint metrics = null;
        if (listen != null) {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry = prometheus;
            metrics = MetricsEndpoint.start(listen, prometheus);
            spec.commandLine().getOut().println("metrics on http://" + listen.host() + ":" + metrics.port() + "/metrics");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        CdcSync sync;
        try {
            sync = CdcSync.start(config, registry, Clock.systemUTC());
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
        MetricsEndpoint endpoint = metrics;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sync.close();
            if (endpoint != null) {
                endpoint.close();
            }
            stopped.countDown();
        }, "cdc-shutdown"));
        spec.commandLine().getOut().println("syncing slot " + config.slotName() + " (" + config.direction().id()
                + "); Ctrl-C to stop");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
