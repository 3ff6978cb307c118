package dev.strangler.shadow.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium (installed by {@code .ci/run}), for the dashboard tests: renders a
 * page with a virtual-time budget (so the page's own timers and fetches run) and returns what
 * Chromium printed ({@code --dump-dom} or {@code --screenshot}).
 */
public final class HeadlessChromium {

    private HeadlessChromium() {
    }

    /** The browser binary, or null when none is installed (the caller skips and says how to install it). */
    public static String binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    /** Runs {@code binary} headless with a fresh profile; returns its standard output. */
    public static String run(String binary, int virtualMillis, String... args) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=" + virtualMillis));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        return Files.readString(out);
    }
}
