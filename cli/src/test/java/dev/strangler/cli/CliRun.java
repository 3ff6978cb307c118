package dev.strangler.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the real {@code strangler} command line in-process with an injected environment. */
public final class CliRun {
    private final Map<String, String> env = new HashMap<>();
    private final Path home;

    /** @param home stands in for the user's home (so the real ~/.strangler/config.yaml is never read) */
    public CliRun(Path home) {
        this.home = home;
    }

    /** Sets an environment variable for later runs. */
    public CliRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs {@code strangler args...}. */
    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.newCommandLine(new CliEnvironment(env, home))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Exit code, stdout and stderr of one run. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
