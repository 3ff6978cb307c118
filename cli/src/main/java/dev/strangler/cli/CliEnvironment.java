package dev.strangler.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the CLI reads from the process around it: environment variables and the home directory.
 *
 * <p>Passed in rather than read from {@link System#getenv()} so tests can run commands with
 * their own {@code STRANGLER_TOKEN}, {@code STRANGLER_CONFIG}, ... without touching the real
 * environment or the real {@code ~/.strangler/config.yaml}.
 *
 * @param env  environment variables (copied)
 * @param home the user's home directory ({@code ~/.strangler/config.yaml} lives under it)
 */
public record CliEnvironment(Map<String, String> env, Path home) {

    /** Overrides the config file's path ({@code ~/.strangler/config.yaml} by default). */
    public static final String CONFIG_ENV = "STRANGLER_CONFIG";

    public CliEnvironment {
        env = Map.copyOf(requireNonNull(env, "env"));
        requireNonNull(home, "home");
    }

    /** The real process environment and {@code user.home}. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** An environment variable, empty when unset or blank (a blank variable is treated as unset). */
    public Optional<String> get(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** The config file: {@code $STRANGLER_CONFIG} if set, else {@code ~/.strangler/config.yaml}. */
    public Path configPath() {
        return get(CONFIG_ENV).map(Path::of).orElse(home.resolve(".strangler").resolve("config.yaml"));
    }

    /** Whether the config path came from {@code STRANGLER_CONFIG} (then it must exist). */
    public boolean configPathExplicit() {
        return get(CONFIG_ENV).isPresent();
    }

    /**
     * The environment the running command line was built with ({@link Main#newCommandLine(CliEnvironment)}).
     * A command built outside {@link Main} (e.g. {@code new CommandLine(new FooCommand())}) sees the
     * real process environment.
     */
    public static CliEnvironment of(CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof Main main ? main.environment() : system();
    }
}
