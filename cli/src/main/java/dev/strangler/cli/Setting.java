package dev.strangler.cli;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One resolved CLI setting and where it came from, so error messages can say which flag,
 * variable or config key to fix ({@code "STRANGLER_ADMIN_URL 'foo': ..."}).
 *
 * @param value  the text value
 * @param source {@code "--admin"}, {@code "STRANGLER_ADMIN_URL"}, {@code "admin in /path/config.yaml"}
 *               or {@code "default"}
 */
public record Setting(String value, String source) {

    public Setting {
        requireNonNull(value, "value");
        requireNonNull(source, "source");
    }

    /**
     * Applies the precedence flags &gt; environment &gt; config file: the first of
     * {@code flag}, {@code envName}, {@code configKey} that has a value; empty if none has.
     *
     * @param flag      the flag's value, null when not given
     * @param flagName  e.g. {@code "--admin"}
     * @param envName   environment variable, or null when the setting has none
     * @param configKey key in {@link ConfigFile}, or null when the setting has none
     */
    public static Optional<Setting> resolve(String flag, String flagName, String envName,
            String configKey, CliEnvironment environment, ConfigFile config) {
        if (flag != null) {
            return Optional.of(new Setting(flag, flagName));
        }
        if (envName != null) {
            Optional<String> fromEnv = environment.get(envName);
            if (fromEnv.isPresent()) {
                return Optional.of(new Setting(fromEnv.get(), envName));
            }
        }
        if (configKey != null) {
            return config.value(configKey).map(v -> new Setting(v, config.describe(configKey)));
        }
        return Optional.empty();
    }
}
