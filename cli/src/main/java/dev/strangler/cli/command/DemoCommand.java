package dev.strangler.cli.command;

import dev.strangler.cli.demo.Demo;
import dev.strangler.cli.demo.DemoSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strangler demo}: the whole migration on this machine, in one process, until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole migration on this machine, in one process, until Ctrl-C.",
                "Starts an embedded PostgreSQL, the seeded sample monolith, the extracted appointments service,",
                "CDC both ways, the routing proxy (appointments route at 0%%) and simulated patients.",
                "Ctrl-C stops everything and removes temporary data."},
        footer = {"%nExamples:",
                "  strangler demo",
                "  strangler demo --rps 50 --patients 20000",
                "  strangler demo --no-traffic --data ./demo-data"})
public final class DemoCommand implements Callable<Integer> {

    private static final long STATUS_EVERY_SECONDS = 30;

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Proxy port (default: ${DEFAULT-VALUE}; 0 = any free).")
    private int port;

    @Option(names = "--admin-port", defaultValue = "9901",
            description = "Admin API port (default: ${DEFAULT-VALUE}; 0 = any free).")
    private int adminPort;

    @Option(names = "--rps", defaultValue = "20", description = "Simulated requests per second (default: ${DEFAULT-VALUE}).")
    private int rps;

    @Option(names = "--no-traffic", description = "Start no simulated traffic; drive it yourself.")
    private boolean noTraffic;

    @Option(names = "--patients", defaultValue = "2000", description = "Patients to seed (default: ${DEFAULT-VALUE}).")
    private int patients;

    @Option(names = "--physicians", defaultValue = "200", description = "Physicians to seed (default: ${DEFAULT-VALUE}).")
    private int physicians;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Keep PostgreSQL and proxy state in DIR (kept on exit, reused next time). "
                    + "Default: a temporary directory removed on exit.")
    private Path data;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        DemoSettings settings = new DemoSettings(port, adminPort, noTraffic ? 0 : rps, patients, physicians, data);
        long t0 = System.nanoTime();
        out.println("strangler demo: starting (embedded PostgreSQL, monolith, appointments service, CDC, proxy)...");
        out.flush();
        Demo demo = Demo.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "demo-shutdown"));
        printReady(out, demo, (System.nanoTime() - t0) / 1_000_000);
        // A heartbeat line, so a user can see the simulated traffic flowing (and errors if any).
        while (!stopped.await(STATUS_EVERY_SECONDS, TimeUnit.SECONDS)) {
            out.printf("%s%s%n", noTraffic ? "" : "traffic: " + demo.trafficCounts() + " | ", demo.cdcSummary());
            out.flush();
        }
        return 0;
    }

    private static void printReady(PrintWriter out, Demo demo, long millis) {
        String admin = demo.adminUrl().toString();
        out.printf("%nReady in %.1f s.%n", millis / 1000.0);
        out.printf("  proxy        %s   (try: curl '%sappointments?patientId=1' -H 'X-Patient-Id: 1')%n",
                demo.proxyUrl(), demo.proxyUrl());
        out.printf("  admin API    %s%n", admin);
        out.printf("  admin token  %s%n", demo.adminToken());
        out.printf("  dashboard    %s   (shadow diffs: appointments traffic is mirrored to the new service)%n",
                demo.dashboardUrl());
        out.printf("  config       %s%n", demo.proxyConfigFile());
        out.printf("  data         %s%n", demo.dataDir());
        out.printf("%nTry next (in another terminal):%n");
        out.printf("  export STRANGLER_ADMIN_URL=%s STRANGLER_TOKEN=%s%n", admin, demo.adminToken());
        out.printf("  ./strangler routes list%n");
        out.printf("  ./strangler routes set-weight appointments 10%% --reason \"first canary\"%n");
        out.printf("  ./strangler rollback appointments --reason \"trying rollback\"%n");
        out.printf("  STRANGLER_DIFF_DB='%s' ./strangler shadow report --since 1h%n", demo.jdbcUrl(Demo.SHADOW_DB));
        out.printf("%nCtrl-C stops everything.%n");
        out.flush();
    }
}
