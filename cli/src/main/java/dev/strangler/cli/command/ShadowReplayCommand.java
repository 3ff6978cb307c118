package dev.strangler.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.cli.CliException;
import dev.strangler.cli.OutputOptions;
import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.shadow.Durations;
import dev.strangler.shadow.ShadowReplayer;
import dev.strangler.shadow.ShadowRouteConfig;
import dev.strangler.shadow.diff.Difference;
import dev.strangler.shadow.store.DiffQueries;
import dev.strangler.shadow.store.DiffStoreException;
import dev.strangler.shadow.store.Evidence;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strangler shadow replay DIFF_ID}: re-send a stored request to both sides, compare again. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        footer = {"%nExamples:",
                "  strangler shadow replay 1234 --legacy-url http://legacy:8080 --target-url http://appointments:8082"},
        description = "Re-send a stored request to both sides and show whether its difference still stands "
                + "(only when redaction left the request intact).")
public final class ShadowReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ShadowOptions options;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "DIFF_ID", description = "example id from `strangler shadow diffs`")
    long id;

    @Option(names = "--legacy-url", required = true, paramLabel = "URL", description = "base URL of the monolith, e.g. http://legacy:8080")
    URI legacyUrl;

    @Option(names = "--target-url", required = true, paramLabel = "URL", description = "base URL of the extracted service")
    URI targetUrl;

    @Option(names = "--timeout", defaultValue = "10s", description = "per request (default: ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Duration perRequest;
        try {
            perRequest = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
        }
        try (HikariDataSource ds = options.dataSource()) {
            DiffQueries queries = new DiffQueries(ds, options.noiseRule());
            Evidence evidence = queries.evidence(id).orElseThrow(() -> CliException.failure("evidence " + id
                    + " not found (expired or never stored; list ids with `strangler shadow diffs ROUTE`)"));
            if (!evidence.replayable()) {
                throw CliException.failure("evidence " + id + " cannot be replayed: redaction changed "
                        + String.join(", ", evidence.requestRedactions()) + " of the request");
            }
            ShadowRouteConfig route = routeConfig(queries, evidence.route(), spec.commandLine().getErr());
            ShadowReplayer.Result result = new ShadowReplayer(HttpClient.newBuilder().connectTimeout(perRequest).build(),
                    perRequest, NormalizerRegistry.empty()).replay(evidence, route, legacyUrl, targetUrl);
            if (output.isJson()) {
                output.printJson(options.tree(result));
            } else {
                out.printf("replayed #%d %s on route %s: primary %d, shadow %d%n", id, evidence.requestLine(),
                        evidence.route(), result.primaryStatus(), result.shadowStatus());
                out.println(result.stillStands().isEmpty() ? "difference gone: none of the stored fields differ now"
                        : "difference still stands: " + String.join(", ", result.stillStands()));
                for (Difference d : result.now()) {
                    out.printf("      %-8s %s%n", d.kind(), d.pointer());
                }
                out.flush();
            }
            return 0;
        } catch (DiffStoreException e) {
            throw ShadowOptions.failure(e);
        } catch (IOException e) {
            throw CliException.failure("replaying evidence " + id + ": " + ShadowOptions.rootMessage(e)
                    + " (expected: both --legacy-url and --target-url reachable)", e);
        }
    }

    private static ShadowRouteConfig routeConfig(DiffQueries queries, String route, PrintWriter err) {
        Optional<String> json = queries.routeConfigJson(route);
        if (json.isEmpty()) {
            err.println("note: no stored settings for route " + route + "; comparing with defaults");
            return ShadowRouteConfig.defaults(route);
        }
        ShadowRouteConfig config;
        try {
            config = new ObjectMapper().readValue(json.get(), ShadowRouteConfig.class);
        } catch (JsonProcessingException e) {
            throw CliException.failure("stored settings of route " + route + " unreadable: " + e.getOriginalMessage(), e);
        }
        if (!config.legacyNormalizers().isEmpty()) {
            err.println("note: route " + route + " uses legacy normalizers " + config.legacyNormalizers()
                    + " that the CLI cannot load; comparing raw answers");
            return ShadowRouteConfig.builder(route).primary(config.primary()).ignore(config.ignore()).arrays(config.arrays())
                    .numberTolerance(config.numberTolerance()).headers(config.headers()).legacyNormalizers(List.of()).build();
        }
        return config;
    }
}
