package dev.strangler.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Picocli mixin for every command that talks to the proxy's admin API:
 * {@code --admin URL}, {@code --token-file PATH}, {@code --timeout DURATION}.
 *
 * <p>Use it as {@code @Mixin AdminOptions admin;} and call {@link #client()} in the command.
 * Precedence, highest first: the flag; the environment ({@code STRANGLER_ADMIN_URL},
 * {@code STRANGLER_TOKEN}); the config file keys {@code admin} and {@code tokenFile};
 * the default {@value #DEFAULT_ADMIN_URL} (and no token).
 */
public final class AdminOptions implements Preflight {

    /** Environment variable for the admin API base URL. */
    public static final String ADMIN_URL_ENV = "STRANGLER_ADMIN_URL";
    /** Environment variable holding the bearer token itself. */
    public static final String TOKEN_ENV = "STRANGLER_TOKEN";
    /** The proxy's default admin listen address. */
    public static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:9901";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--admin", paramLabel = "URL", order = 100,
            description = "Admin API of the proxy (default: $" + ADMIN_URL_ENV
                    + ", else 'admin' in the config file, else " + DEFAULT_ADMIN_URL + ").")
    String admin;

    @Option(names = "--token-file", paramLabel = "PATH", order = 101,
            description = "File holding the admin API token (default: $" + TOKEN_ENV
                    + " holds the token itself, else 'tokenFile' in the config file).")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "DURATION", order = 102, defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Per-request timeout, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private AdminSettings resolved;

    /** Resolves the settings before the command runs, so a bad value never half-runs a command. */
    @Override
    public void preflight() {
        settings();
    }

    /** Applies flags &gt; environment &gt; config file &gt; defaults; usage error on a bad value. */
    public AdminSettings settings() {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    private AdminSettings resolve() {
        CliEnvironment environment = CliEnvironment.of(mixee);
        ConfigFile config = ConfigFile.load(environment);
        Setting adminSetting = Setting.resolve(admin, "--admin", ADMIN_URL_ENV, ConfigFile.ADMIN, environment, config)
                .orElse(new Setting(DEFAULT_ADMIN_URL, "default"));
        URI base = parseBase(adminSetting);
        Optional<String> token;
        String tokenSource;
        if (tokenFile != null) {
            token = Optional.of(readToken(tokenFile, "--token-file"));
            tokenSource = "--token-file " + tokenFile;
        } else if (environment.get(TOKEN_ENV).isPresent()) {
            token = environment.get(TOKEN_ENV);
            tokenSource = TOKEN_ENV;
        } else if (config.value(ConfigFile.TOKEN_FILE).isPresent()) {
            Path file = configRelative(config, config.value(ConfigFile.TOKEN_FILE).get(), environment);
            token = Optional.of(readToken(file, config.describe(ConfigFile.TOKEN_FILE)));
            tokenSource = config.describe(ConfigFile.TOKEN_FILE) + " (" + file + ")";
        } else {
            token = Optional.empty();
            tokenSource = "none";
        }
        return new AdminSettings(base, adminSetting.source(), token, tokenSource, timeout);
    }

    /** A client for the resolved settings; traces requests to stderr under {@code --verbose}. */
    public AdminClient client() {
        return new AdminClient(settings(), Main.isVerbose(mixee) ? mixee.commandLine().getErr() : null);
    }

    private static URI parseBase(Setting setting) {
        String text = setting.value().endsWith("/")
                ? setting.value().substring(0, setting.value().length() - 1) : setting.value();
        String problem;
        if (!text.contains("://")) {
            throw CliException.usage(setting.source() + " '" + setting.value() + "': not an http(s) URL"
                    + " (expected e.g. " + DEFAULT_ADMIN_URL + ")");
        }
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                problem = "not an http(s) URL";
            } else if (uri.getHost() == null) {
                problem = "no host";
            } else if (uri.getQuery() != null || uri.getFragment() != null) {
                problem = "has a query or fragment";
            } else {
                return uri;
            }
        } catch (URISyntaxException e) {
            problem = "not a URL (" + e.getReason() + ")";
        }
        throw CliException.usage(setting.source() + " '" + setting.value() + "': " + problem
                + " (expected e.g. " + DEFAULT_ADMIN_URL + ")");
    }

    private static Path configRelative(ConfigFile config, String value, CliEnvironment environment) {
        if (value.equals("~") || value.startsWith("~/")) {
            return environment.home().resolve(value.equals("~") ? "" : value.substring(2));
        }
        Path path = Path.of(value);
        Path dir = config.path().toAbsolutePath().getParent();
        return path.isAbsolute() || dir == null ? path : dir.resolve(path);
    }

    private static String readToken(Path file, String source) {
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            throw CliException.usage(source + ": cannot read token file " + file + " ("
                    + e.getClass().getSimpleName() + "): check the path and its permissions", e);
        }
        if (text.isEmpty()) {
            throw CliException.usage(source + ": token file " + file + " is empty (expected the admin token)");
        }
        return text;
    }
}
