package dev.strangler.cli.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.cli.CliEnvironment;
import dev.strangler.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Every {@code strangler ...} command written in {@code runbooks/*.md} parses against the real
 * command tree: no renamed subcommand, removed flag or bad weight can hide in a runbook. No
 * network: commands are parsed, not run ({@link RollbackRunbookIT} runs two runbooks for real).
 */
class RunbookCommandsTest {

    /** Sample values for the placeholders runbooks may use; anything else is reported. */
    static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("ROUTE", "appointments"),
            Map.entry("ADMIN", "http://10.0.1.11:9901"),
            Map.entry("PROXY_ADMINS", "http://10.0.1.11:9901 http://10.0.1.12:9901"),
            Map.entry("INCIDENT", "INC-4711"),
            Map.entry("STRANGLER_DIFF_DB", "jdbc:postgresql://diffdb:5432/strangler?user=sre"),
            Map.entry("STRANGLER_CONTROL_DB", "jdbc:postgresql://ctldb:5432/strangler?user=proxy"),
            Map.entry("DIFF_ID", "12"),
            Map.entry("LEGACY_URL", "http://monolith:8080"),
            Map.entry("TARGET_URL", "http://appointments:8080"),
            Map.entry("STRANGLER_CONFIG_FILE", "/etc/strangler/strangler.yaml"),
            Map.entry("FWD_SLOT", "appointments_fwd"),
            Map.entry("REV_SLOT", "appointments_rev"),
            Map.entry("STRANGLER_LEGACY_DB", "jdbc:postgresql://legacydb:5432/monolith?user=cdc"),
            Map.entry("STRANGLER_NEW_DB", "jdbc:postgresql://newdb:5432/appointments?user=cdc"),
            Map.entry("STRANGLER_CDC_MAPPING", "/etc/strangler/mappings/appointments.yaml"));

    /** Eight runbooks with several commands each (67 when written); far fewer means the extraction broke. */
    private static final int AT_LEAST = 60;

    private static final List<String> EXPECTED_RUNBOOKS = List.of("cdc-lag.md", "control-plane-db-down.md",
            "dlq-not-empty.md", "first-cutover.md", "proxy-fleet-deploy.md", "replication-slot-bloat.md",
            "rollback.md", "shadow-mismatch-spike.md", "README.md");

    @TempDir
    Path home;

    @Test
    void everyRunbookExists() {
        assertThat(RunbookCommands.runbooks()).extracting(p -> p.getFileName().toString())
                .containsAll(EXPECTED_RUNBOOKS);
    }

    @Test
    void everyStranglerCommandInTheRunbooksParsesAgainstTheRealCli() {
        List<RunbookCommands.Found> commands = RunbookCommands.all(SAMPLES);
        List<String> failures = new ArrayList<>();
        for (RunbookCommands.Found c : commands) {
            if (!c.problems().isEmpty()) {
                failures.add(c.where() + ": " + String.join("; ", c.problems()) + "  [" + c + "]");
                continue;
            }
            try {
                ParseResult parsed = newCommandLine().parseArgs(c.args().toArray(String[]::new));
                if (!parsed.hasSubcommand()) {
                    failures.add(c.where() + ": names no subcommand  [" + c + "]");
                }
            } catch (CommandLine.ParameterException e) {
                failures.add(c.where() + ": " + e.getMessage() + "  [" + c + "]");
            }
        }

        assertThat(commands).as("strangler commands found in %s", RunbookCommands.RUNBOOKS).hasSizeGreaterThanOrEqualTo(AT_LEAST);
        assertThat(failures).as("runbook commands that the CLI would refuse").isEmpty();
    }

    @Test
    void everyRunbookHasSymptomsStepsGoodOutputUndoAndEscalation() throws IOException {
        for (Path runbook : RunbookCommands.runbooks()) {
            if (runbook.getFileName().toString().equals("README.md")) {
                continue;
            }
            List<String> lines = Files.readAllLines(runbook);
            List<String> headings = lines.stream().filter(l -> l.startsWith("## ")).map(l -> l.substring(3).strip()).toList();
            List<RunbookCommands.Found> commands = RunbookCommands.in(runbook, SAMPLES);

            assertThat(headings).as("headings of %s", runbook).containsSubsequence("Symptoms", "Steps", "Undo", "Escalate");
            assertThat(commands).as("strangler commands in the Steps of %s", runbook)
                    .anyMatch(c -> c.section().equals("Steps"));
            assertThat(lines).as("%s shows good output in ```text blocks", runbook).anyMatch(l -> l.strip().equals("```text"));
        }
    }

    @Test
    void findsCommandsInEveryShellForm() throws IOException {
        Path md = home.resolve("sample.md");
        Files.writeString(md, String.join("\n",
                "## Steps",
                "```bash",
                "$ strangler routes list -o json | jq '.routes[]'   # prompt, pipe, comment",
                "STRANGLER_OUTPUT=json ./strangler audit --limit 5 && strangler rollback \"$ROUTE\" \\",
                "    --reason 'it''s \"late\"'",
                "for ADMIN in a b; do strangler routes show $ROUTE --admin \"$ADMIN\" > /tmp/out 2>&1; done",
                "curl -s localhost:9901/readyz",
                "```",
                "```text",
                "strangler routes list",
                "```",
                "## Undo",
                "```sh",
                "strangler routes set-weight ${ROUTE} 0% --reason \"$NOPE\"",
                "```"));

        List<RunbookCommands.Found> found = RunbookCommands.in(md, SAMPLES);

        assertThat(found).extracting(RunbookCommands.Found::args).containsExactly(
                List.of("routes", "list", "-o", "json"),
                List.of("audit", "--limit", "5"),
                List.of("rollback", "appointments", "--reason", "its \"late\""),
                List.of("routes", "show", "appointments", "--admin", "http://10.0.1.11:9901"),
                List.of("routes", "set-weight", "appointments", "0%", "--reason", "$NOPE"));
        assertThat(found).extracting(RunbookCommands.Found::line).containsExactly(3, 4, 4, 6, 14);
        assertThat(found).extracting(RunbookCommands.Found::section).containsExactly("Steps", "Steps", "Steps", "Steps", "Undo");
        assertThat(found.get(4).problems()).containsExactly("unknown placeholder $NOPE");
        assertThat(found.get(0).problems()).isEmpty();
    }

    @Test
    void aRenamedFlagIsCaught() {
        ParseResult ok = newCommandLine().parseArgs("rollback", "appointments", "--reason", "x");
        assertThat(ok.hasSubcommand()).isTrue();
        assertThatThrownBy(() -> newCommandLine().parseArgs("rollback", "appointments", "--why", "x"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
        assertThatThrownBy(() -> newCommandLine().parseArgs("routes", "set-weight", "appointments", "25"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("missing unit");
    }

    private CommandLine newCommandLine() {
        // A fresh command line per parse: picocli keeps the matched values of the last parse.
        return Main.newCommandLine(new CliEnvironment(Map.of(), home));
    }

}
