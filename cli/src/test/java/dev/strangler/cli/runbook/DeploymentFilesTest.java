package dev.strangler.cli.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.strangler.proxy.ProxyConfig;
import dev.strangler.proxy.ProxyConfigLoader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifest, the ECS task definition and the Dockerfile agree with each other and
 * with the proxy: probes on {@code /readyz} and {@code /healthz}, a drain window longer than the
 * proxy's {@code shutdown.drainDelay} + {@code shutdown.grace}, and a proxy config the real loader accepts.
 */
class DeploymentFilesTest {

    private static final Path K8S = OpsFilesTest.OPS.resolve("kubernetes/proxy.yaml");
    private static final Path ECS = OpsFilesTest.OPS.resolve("ecs/proxy-task-definition.json");
    private static final Path DOCKERFILE = OpsFilesTest.OPS.resolve("Dockerfile");
    /** Seconds between the proxy's last in-flight request and the platform's SIGKILL, at least. */
    private static final int MARGIN_SECONDS = 5;

    private final YAMLMapper yaml = new YAMLMapper();

    @Test
    void kubernetesManifestHasEveryPartOfAProxyFleet() throws IOException {
        Map<String, JsonNode> byKind = k8s();

        assertThat(byKind).containsKeys("ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget");
        JsonNode deployment = byKind.get("Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        JsonNode labels = deployment.at("/spec/template/metadata/labels");
        assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(byKind.get("Service").at("/spec/selector")).isEqualTo(labels);
        assertThat(byKind.get("PodDisruptionBudget").at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(byKind.get("PodDisruptionBudget").at("/spec/minAvailable").asInt())
                .isBetween(1, deployment.at("/spec/replicas").asInt() - 1);
    }

    @Test
    void kubernetesProbesAndDrainMatchTheProxy() throws IOException {
        Map<String, JsonNode> byKind = k8s();
        JsonNode pod = byKind.get("Deployment").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        ProxyConfig config = proxyConfig(byKind.get("ConfigMap").at("/data/strangler.yaml").asText(), env(container));

        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(port(container, container.at("/readinessProbe/httpGet/port").asText())).isEqualTo(config.admin().listen().port());
        assertThat(port(container, container.at("/livenessProbe/httpGet/port").asText())).isEqualTo(config.admin().listen().port());
        assertThat(port(container, "http")).isEqualTo(config.listen().port());
        assertThat(config.admin().listen().host()).as("probes reach the admin API on the pod IP").isEqualTo("0.0.0.0");

        List<String> preStop = new ArrayList<>();
        container.at("/lifecycle/preStop/exec/command").forEach(c -> preStop.add(c.asText()));
        assertThat(preStop).hasSize(2).startsWith("sleep");
        long preStopSeconds = Long.parseLong(preStop.get(1));
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                .as("grace period covers preStop %ss + shutdown %s + %ss", preStopSeconds, config.shutdown(), MARGIN_SECONDS)
                .isGreaterThanOrEqualTo(preStopSeconds + drainSeconds(config) + MARGIN_SECONDS);
        assertThat(container.at("/args").toString()).contains("proxy", "--config");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(env(container)).containsKey("STRANGLER_TOKEN")
                .as("a fleet shares one control plane").containsKey(dev.strangler.cli.command.ProxyCommand.CONTROL_DB_ENV);
    }

    @Test
    void ecsTaskDefinitionChecksHealthAndWaitsForTheDrain() throws IOException {
        JsonNode task = new ObjectMapper().readTree(ECS.toFile());
        JsonNode container = task.at("/containerDefinitions/0");
        JsonNode configMap = k8s().get("ConfigMap");
        ProxyConfig config = proxyConfig(configMap.at("/data/strangler.yaml").asText(), Map.of());

        assertThat(task.path("family").asText()).isNotBlank();
        assertThat(container.at("/healthCheck/command").toString()).contains("/healthz")
                .contains("127.0.0.1:" + config.admin().listen().port());
        assertThat(container.path("stopTimeout").asInt()).as("stopTimeout (ECS maximum 120)")
                .isGreaterThanOrEqualTo((int) drainSeconds(config) + MARGIN_SECONDS).isLessThanOrEqualTo(120);
        List<Integer> ports = new ArrayList<>();
        container.path("portMappings").forEach(p -> ports.add(p.path("containerPort").asInt()));
        assertThat(ports).containsExactlyInAnyOrder(config.listen().port(), config.admin().listen().port());
        List<String> secrets = new ArrayList<>();
        container.path("secrets").forEach(s -> secrets.add(s.path("name").asText()));
        assertThat(secrets).contains("STRANGLER_TOKEN", dev.strangler.cli.command.ProxyCommand.CONTROL_DB_ENV);
        assertThat(container.path("user").asText()).doesNotStartWith("0").isNotBlank();
    }

    /** Longest SIGTERM-to-exit of the proxy: drain delay, then grace. */
    private static long drainSeconds(ProxyConfig config) {
        return config.shutdown().drainDelay().toSeconds() + config.shutdown().grace().toSeconds();
    }

    @Test
    void dockerfileRunsTheJarAsNonRootWithHealthcheckAndSigterm() throws IOException {
        List<String> lines = Files.readAllLines(DOCKERFILE).stream().map(String::strip)
                .filter(l -> !l.startsWith("#") && !l.isEmpty()).toList();
        String text = String.join("\n", lines);

        assertThat(lines).contains("FROM eclipse-temurin:17-jre", "STOPSIGNAL SIGTERM", "EXPOSE 8080 9901");
        assertThat(lines).anyMatch(l -> l.matches("USER [1-9][0-9]*(:[1-9][0-9]*)?"));
        assertThat(text).contains("HEALTHCHECK").contains("http://127.0.0.1:9901/healthz");
        assertThat(text).contains("ENTRYPOINT [\"java\"").contains("\"-jar\", \"/opt/strangler/strangler.jar\"]");
        // What the Dockerfile copies is what the cli pom builds: finalName 'strangler', libraries in target/lib.
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<finalName>strangler</finalName>").contains("${project.build.directory}/lib");
        assertThat(copySources(lines)).containsExactly("cli/target/lib/", "cli/target/strangler.jar");
    }

    /** The source paths of every COPY line, relative to the build context (the repository root). */
    static List<String> copySources(List<String> dockerfileLines) {
        List<String> sources = new ArrayList<>();
        for (String line : dockerfileLines) {
            if (line.startsWith("COPY ")) {
                String[] words = line.split("\\s+");
                sources.addAll(List.of(words).subList(1, words.length - 1));
            }
        }
        return sources;
    }

    private Map<String, JsonNode> k8s() throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        try (var docs = yaml.readValues(yaml.getFactory().createParser(K8S.toFile()), JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.has("kind")) {
                    assertThat(byKind.put(doc.path("kind").asText(), doc)).as("one %s", doc.path("kind")).isNull();
                }
            }
        }
        return byKind;
    }

    /** The container's environment, secret references replaced by sample values. */
    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(),
                e.has("value") ? e.path("value").asText() : "secret-from-" + e.at("/valueFrom/secretKeyRef/key").asText()));
        return env;
    }

    private static ProxyConfig proxyConfig(String yamlText, Map<String, String> env) {
        Map<String, String> withDefaults = new HashMap<>(Map.of("STRANGLER_TOKEN", "sample-operator-token", "STRANGLER_VIEWER_TOKEN", "sample-viewer-token",
                "STRANGLER_STATE_DIR", "/var/lib/strangler/state"));
        withDefaults.putAll(env);
        return ProxyConfigLoader.parse(new StringReader(yamlText), "proxy.yaml#strangler.yaml", Path.of("/etc/strangler"),
                withDefaults::get);
    }

    private static int port(JsonNode container, String nameOrNumber) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(nameOrNumber) || p.path("containerPort").asText().equals(nameOrNumber)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port " + nameOrNumber);
    }
}
