package dev.strangler.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strangler completion bash|zsh}: prints a shell completion script for every command.
 * picocli generates a bash script; under zsh the same script loads {@code bashcompinit} and registers itself.
 */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        description = "Print a completion script for bash or zsh (covers every command and option).",
        footer = {"%nExamples:",
                "  source <(strangler completion bash)                      # this bash session",
                "  strangler completion bash > ~/.local/share/bash-completion/completions/strangler",
                "  strangler completion zsh > ~/.zfunc/strangler.zsh && echo 'source ~/.zfunc/strangler.zsh' >> ~/.zshrc"})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "SHELL", completionCandidates = Shells.class, description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("strangler", spec.root().commandLine());
        switch (shell) {
            // One script for both: run under zsh, picocli's script loads bashcompinit itself
            // (and compinit only if it is not loaded yet, so existing completions survive).
            case "bash", "zsh" -> spec.commandLine().getOut().print(script);
            default -> throw new ParameterException(spec.commandLine(),
                    "SHELL '" + shell + "': unsupported (expected: bash or zsh)");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Completion candidates for SHELL. */
    static final class Shells implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("bash", "zsh").iterator();
        }
    }
}
