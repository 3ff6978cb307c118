package dev.strangler.e2e;

import dev.strangler.cli.CliEnvironment;
import dev.strangler.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real {@code strangler} command line (picocli entry point), run in-process: what the drill
 * does is what an operator types. The environment carries the admin URL and token.
 */
final class Cli {

    private final Path home;

    Cli(Path home) {
        this.home = home;
    }

    /** Runs {@code strangler args...} with {@code env} as its environment. */
    Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.newCommandLine(new CliEnvironment(env, home))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(String.join(" ", args), exit, out.toString(), err.toString());
    }

    /** Exit code and output of one command. */
    record Result(String command, int exit, String out, String err) {
        Result orThrow() {
            if (exit != 0) {
                throw new IllegalStateException("drill: `strangler " + command + "` exited " + exit + "\n" + out + err);
            }
            return this;
        }
    }
}
