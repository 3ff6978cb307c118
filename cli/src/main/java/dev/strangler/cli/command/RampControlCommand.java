package dev.strangler.cli.command;

import dev.strangler.cli.AdminClient;
import dev.strangler.cli.AdminOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What {@code ramp pause|resume|abort} share: the route and reason, the admin API, one line of output. */
abstract class RampControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RampTargetOptions target;
    @Mixin
    AdminOptions admin;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(act(admin.client()));
        out.flush();
        return 0;
    }

    /** Records the request in the audit log (and acts on it), returns the line to print. */
    abstract String act(AdminClient client);
}
