package dev.strangler.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -cp ... dev.strangler.e2e.DrillMain [--minutes N] [--rps N] [--keep]}: the long drill
 * ({@code bench/drill.sh}); prints the per-phase table; exit 1 if anything was lost or failed.
 */
public final class DrillMain {

    private DrillMain() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 2;
        int rps = 50;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = number(args, ++i, "--minutes");
                case "--rps" -> rps = (int) number(args, ++i, "--rps");
                case "--keep" -> keep = true;
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (minutes <= 0 || minutes > 240) {
            usage("--minutes: " + minutes + " (expected: > 0 and <= 240)");
        }
        Path work = Files.createTempDirectory("strangler-drill-");
        if (keep) {
            System.out.println("work directory (kept): " + work);
        }
        DrillResult r = Drill.run(DrillSettings.longRun(work, minutes, rps, keep));
        r.print(System.out);
        boolean ok = r.failedReads() == 0 && r.failedWrites() == 0 && r.lostWrites().isEmpty() && r.verifyExit() == 0
                && r.verifyDifferences() == 0 && r.deadLetters().isEmpty();
        System.out.println(ok ? "DRILL PASSED" : "DRILL FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static double number(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        try {
            return Double.parseDouble(args[i]);
        } catch (NumberFormatException e) {
            usage(flag + ": '" + args[i] + "' is not a number");
            return 0;
        }
    }

    private static void usage(String problem) {
        System.err.println("drill: " + problem + "\nusage: bench/drill.sh [--minutes N] [--rps N] [--keep]");
        System.exit(2);
    }
}
