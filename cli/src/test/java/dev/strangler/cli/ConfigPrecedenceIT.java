package dev.strangler.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.CliRun.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags beat the environment, which beats ~/.strangler/config.yaml, which beats the defaults. */
class ConfigPrecedenceIT {
    private static FakeAdminApi api;
    private static String deadUrl;

    @TempDir
    Path home;
    private Path config;

    @BeforeAll
    static void startApi() throws IOException {
        api = new FakeAdminApi();
        try (ServerSocket s = new ServerSocket(0)) {
            deadUrl = "http://127.0.0.1:" + s.getLocalPort(); // closed again: connection refused
        }
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @BeforeEach
    void defaultConfigLocation() throws IOException {
        api.server().resetRequests();
        config = Files.createDirectories(home.resolve(".strangler")).resolve("config.yaml");
    }

    private void writeConfig(String yaml) throws IOException {
        Files.writeString(config, yaml);
    }

    private Path tokenFile(String name, String token) throws IOException {
        return Files.writeString(home.resolve(name), token + "\n");
    }

    @Test
    void adminFlagBeatsEnvironmentWhichBeatsConfigFile() throws IOException {
        writeConfig("admin: " + deadUrl + "\n");
        CliRun cli = new CliRun(home).env("STRANGLER_ADMIN_URL", deadUrl);

        Result flagWins = cli.run("routes", "list", "--admin", api.url());
        Result envWins = new CliRun(home).env("STRANGLER_ADMIN_URL", api.url()).run("routes", "list");
        Result envUsed = cli.run("routes", "list");

        assertThat(flagWins.exit()).as(flagWins.toString()).isZero();
        assertThat(envWins.exit()).as(envWins.toString()).isZero();
        assertThat(envUsed.exit()).isEqualTo(1);
        assertThat(envUsed.err()).contains("cannot reach the proxy admin API at " + deadUrl);
    }

    @Test
    void configFileIsUsedWhenNoFlagOrEnvironmentSaysOtherwise() throws IOException {
        writeConfig("admin: " + api.url() + "/\noutput: json\n");

        Result r = new CliRun(home).run("routes", "list");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("{").contains("\"version\" : 7");
    }

    @Test
    void defaultAdminUrlIsLoopback9901() {
        Result r = new CliRun(home).run("routes", "list", "--verbose", "--timeout", "500ms");

        assertThat(r.err()).startsWith("> GET http://127.0.0.1:9901/api/routes\n");
    }

    @Test
    void tokenFileFlagBeatsTokenVariableWhichBeatsConfigTokenFile() throws IOException {
        Path operator = tokenFile("operator.token", FakeAdminApi.OPERATOR);
        tokenFile("viewer.token", FakeAdminApi.VIEWER);
        writeConfig("admin: " + api.url() + "\ntokenFile: viewer.token\n"); // relative to the config file's folder
        Files.move(home.resolve("viewer.token"), config.resolveSibling("viewer.token"));

        Result flag = new CliRun(home).env("STRANGLER_TOKEN", "wrong").run("audit", "--token-file", operator.toString());
        Result env = new CliRun(home).env("STRANGLER_TOKEN", FakeAdminApi.OPERATOR).run("audit");
        Result file = new CliRun(home).run("audit");

        assertThat(flag.exit()).as(flag.toString()).isZero();
        assertThat(env.exit()).as(env.toString()).isZero();
        assertThat(file.exit()).as(file.toString()).isZero();
        api.server().verify(2, getRequestedFor(urlPathEqualTo("/api/audit"))
                .withHeader("Authorization", equalTo("Bearer " + FakeAdminApi.OPERATOR)));
        api.server().verify(1, getRequestedFor(urlPathEqualTo("/api/audit"))
                .withHeader("Authorization", equalTo("Bearer " + FakeAdminApi.VIEWER)));
    }

    @Test
    void configTokenFileMayStartWithTilde() throws IOException {
        tokenFile("op.token", FakeAdminApi.OPERATOR);
        writeConfig("admin: " + api.url() + "\ntokenFile: ~/op.token\n");

        Result r = new CliRun(home).run("audit");

        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void outputFlagBeatsEnvironmentWhichBeatsConfigFile() throws IOException {
        writeConfig("admin: " + api.url() + "\noutput: json\n");
        CliRun envTable = new CliRun(home).env("STRANGLER_OUTPUT", "table");

        assertThat(envTable.run("routes", "show", "appointments").out()).startsWith("FIELD");
        assertThat(envTable.run("routes", "show", "appointments", "-o", "json").out()).startsWith("{");
        assertThat(new CliRun(home).run("routes", "show", "appointments").out()).startsWith("{");
    }

    @Test
    void strangerConfigVariableOverridesThePath() throws IOException {
        writeConfig("admin: " + deadUrl + "\n");
        Path other = Files.writeString(home.resolve("other.yaml"), "admin: " + api.url() + "\n");

        Result r = new CliRun(home).env("STRANGLER_CONFIG", other.toString()).run("routes", "list");

        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void unknownConfigKeyIsUsageNamingFileAndKey() throws IOException {
        writeConfig("adminUrl: " + api.url() + "\n");

        Result r = new CliRun(home).run("routes", "list");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("strangler: config " + config + ": unknown key 'adminUrl'"
                + " (expected one of: admin, tokenFile, output)\n");
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void badValuesAreUsageNamingTheirSource() throws IOException {
        writeConfig("output: xml\n");
        Result badOutput = new CliRun(home).env("STRANGLER_ADMIN_URL", api.url()).run("routes", "list");
        Result missingConfig = new CliRun(home).env("STRANGLER_CONFIG", home.resolve("nope.yaml").toString())
                .run("routes", "list");
        Result missingToken = new CliRun(home).run("routes", "list", "--token-file", home.resolve("nope").toString(),
                "-o", "table");
        writeConfig("admin: [1, 2]\n");
        Result notText = new CliRun(home).run("routes", "list");
        writeConfig("admin: : :\n  - x");
        Result notYaml = new CliRun(home).run("routes", "list");

        assertThat(badOutput.exit()).isEqualTo(2);
        assertThat(badOutput.err()).isEqualTo("strangler: output in " + config + " 'xml': unknown output format"
                + " (expected: table or json)\n");
        assertThat(missingConfig.exit()).isEqualTo(2);
        assertThat(missingConfig.err()).contains("STRANGLER_CONFIG=" + home.resolve("nope.yaml") + ": no such file");
        assertThat(missingToken.exit()).isEqualTo(2);
        assertThat(missingToken.err()).contains("--token-file: cannot read token file " + home.resolve("nope"));
        assertThat(notText.exit()).isEqualTo(2);
        assertThat(notText.err()).contains("key 'admin' must be a non-empty string");
        assertThat(notYaml.exit()).isEqualTo(2);
        assertThat(notYaml.err()).startsWith("strangler: config " + config + ": cannot read it as YAML").hasLineCount(1);
        assertThat(api.server().getAllServeEvents()).isEmpty();
    }
}
