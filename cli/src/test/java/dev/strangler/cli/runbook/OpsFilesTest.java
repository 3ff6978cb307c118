package dev.strangler.cli.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules and the Grafana dashboard in {@code ops/}: well-formed, complete,
 * and using only metrics the code really exports; and {@code promtool check rules} when promtool
 * is installed (Debian package {@code prometheus}).
 */
class OpsFilesTest {

    static final Path OPS = Path.of("..", "ops");
    private static final Path ALERTS = OPS.resolve("prometheus/alerts.yml");
    private static final Path DASHBOARD = OPS.resolve("grafana/strangler-dashboard.json");
    private static final Set<String> SEVERITIES = Set.of("page", "warn", "ticket");

    private final YAMLMapper yaml = new YAMLMapper();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyAlertHasExprForSeveritySummaryAndAnExistingRunbook() throws IOException {
        List<JsonNode> rules = alertRules();

        assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertThat(names.add(name)).as("alert name %s is unique", name).isTrue();
            assertThat(rule.path("expr").asText()).as("%s expr", name).isNotBlank();
            assertThat(rule.path("for").asText()).as("%s for", name).matches("\\d+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as("%s labels.severity", name).isIn(SEVERITIES);
            assertThat(rule.path("annotations").path("summary").asText()).as("%s annotations.summary", name).isNotBlank();
            String runbook = rule.path("annotations").path("runbook").asText();
            assertThat(Path.of("..").resolve(runbook)).as("%s annotations.runbook", name).isRegularFile();
        }
        assertThat(names).contains("StranglerProxyDown", "StranglerBackend5xxRatioHigh", "StranglerP99LatencyHigh",
                "StranglerShadowMismatchSpike", "StranglerCdcLagHigh", "StranglerCdcDeadLetters", "StranglerSlotRetainsWal");
    }

    @Test
    void alertsAndDashboardUseOnlyMetricsTheCodeExports() throws IOException {
        List<ExportedMetrics.Declared> declared = ExportedMetrics.declared();
        Set<String> exported = ExportedMetrics.prometheusNames(declared);
        // The derivation itself must see the meters we know exist, or the check below proves nothing.
        assertThat(declared).extracting(ExportedMetrics.Declared::name)
                .contains("strangler.proxy.requests", "strangler.proxy.latency", "strangler.cdc.lag.last",
                        "strangler.cdc.dlq.records", "strangler.shadow.comparisons");
        assertThat(exported).contains("strangler_proxy_requests_total", "strangler_proxy_latency_seconds_bucket",
                "strangler_cdc_lag_last_milliseconds", "strangler_cdc_slot_retained_wal_bytes");

        Map<String, String> used = new LinkedHashMap<>();
        for (JsonNode rule : alertRules()) {
            ExportedMetrics.usedIn(rule.path("expr").asText()).forEach(m -> used.putIfAbsent(m, "alert " + rule.path("alert").asText()));
        }
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                ExportedMetrics.usedIn(target.path("expr").asText()).forEach(m -> used.putIfAbsent(m, "panel " + panel.path("title").asText()));
            }
        }
        ExportedMetrics.usedIn(dashboard().path("templating").toString()).forEach(m -> used.putIfAbsent(m, "dashboard variable"));

        assertThat(used).as("strangler metrics used").hasSizeGreaterThanOrEqualTo(12);
        List<String> unknown = new ArrayList<>();
        used.forEach((metric, where) -> {
            if (!exported.contains(metric)) {
                unknown.add(metric + " (" + where + ")");
            }
        });
        assertThat(unknown).as("metrics no meter exports; exported: %s", exported).isEmpty();
    }

    @Test
    void dashboardPanelsHaveQueriesAndEveryPanelARunbookNamesExists() throws IOException {
        JsonNode dash = dashboard();
        Set<Integer> ids = new TreeSet<>();
        Set<String> titles = new TreeSet<>();
        for (JsonNode panel : dash.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s unique", panel.path("id")).isTrue();
            titles.add(panel.path("title").asText());
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets")).as("queries of panel %s", panel.path("title")).isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
                assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
            }
        }
        assertThat(dash.path("uid").asText()).isNotBlank();

        // Runbooks send people to panels by name (in *italics*): each must exist on the dashboard.
        Pattern italic = Pattern.compile("(?<![*\\w])\\*([^*|`]+)\\*(?![*\\w])");
        List<String> missing = new ArrayList<>();
        for (Path runbook : RunbookCommands.runbooks()) {
            List<String> lines = Files.readAllLines(runbook);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = italic.matcher(lines.get(i));
                while (m.find()) {
                    if (!titles.contains(m.group(1))) {
                        missing.add("runbooks/" + runbook.getFileName() + ":" + (i + 1) + " *" + m.group(1) + "*");
                    }
                }
            }
        }
        assertThat(missing).as("panels named in runbooks but not on the dashboard %s", titles).isEmpty();
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        assumeTrue(onPath("promtool"), "promtool not installed (Debian package 'prometheus'): skipping promtool check");
        Process p = new ProcessBuilder("promtool", "check", "rules", ALERTS.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: " + alertRules().size() + " rules found");
    }

    private List<JsonNode> alertRules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : yaml.readTree(ALERTS.toFile()).path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private JsonNode dashboard() throws IOException {
        return json.readTree(DASHBOARD.toFile());
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
