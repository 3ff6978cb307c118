/**
 * The {@code strangler} command's shared plumbing; commands live in {@code dev.strangler.cli.command}.
 *
 * <p>For a command that talks to the proxy's admin API:
 * <pre>
 * &#64;Command(name = "thing", mixinStandardHelpOptions = true, description = "...",
 *         footer = {"%nExamples:", "  strangler thing --output json"})
 * public final class ThingCommand implements Callable&lt;Integer&gt; {
 *     &#64;Mixin AdminOptions admin;     // --admin, --token-file, --timeout; env and config file applied
 *     &#64;Mixin OutputOptions output;   // -o/--output table|json
 *
 *     public Integer call() {
 *         JsonNode doc = admin.client().send("GET", "/api/thing", null); // failures: CliException, exit 1
 *         if (output.isJson()) { output.printJson(doc); return 0; }
 *         new Table("ID", "STATE").row("a", "ok").print(output.out());
 *         return 0;
 *     }
 * }
 * </pre>
 * <ul>
 *   <li>{@link dev.strangler.cli.CliException}: throw {@code failure(msg)} (exit 1) or {@code usage(msg)}
 *       (exit 2); picocli's {@code ParameterException} is also exit 2. The handler installed by
 *       {@link dev.strangler.cli.Main#newCommandLine(CliEnvironment)} prints one line to stderr;
 *       {@code --verbose} (inherited by every command) adds the stack trace.</li>
 *   <li>{@link dev.strangler.cli.CliEnvironment}: environment variables and home directory; use
 *       {@code CliEnvironment.of(spec)}, never {@code System.getenv}, so tests can inject values.</li>
 *   <li>{@link dev.strangler.cli.Setting#resolve}: flags &gt; environment &gt; {@link dev.strangler.cli.ConfigFile}
 *       for a command's own settings.</li>
 *   <li>{@link dev.strangler.cli.Table}: aligned text output; {@link dev.strangler.cli.Weights}: 25% / 2500bps.</li>
 * </ul>
 * Tests: {@code Main.newCommandLine(new CliEnvironment(Map.of("STRANGLER_TOKEN", "t"), tempHome))
 * .setOut(out).setErr(err).execute(args)}.
 */
package dev.strangler.cli;
