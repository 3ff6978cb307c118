package dev.strangler.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@code strangler ...} command running in its own JVM (same class path as this one), so the drill
 * can stop it the way production does: SIGTERM ({@link #terminate()}) or SIGKILL ({@link #kill()}),
 * with no finally block or shutdown hook to soften the kill. C1 only: six JVMs share two cores
 * and start-up time (a restart is part of several phases) matters more than peak speed.
 */
final class Child implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code strangler args...}; output appends to {@code logDir/name.log}. */
    static Child start(String name, Path logDir, List<String> args) {
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.strangler.cli.Main"));
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new Child(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("drill: could not start " + name + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the child's log contains {@code text} (e.g. its "listening on" line). */
    void awaitLog(String text, Duration timeout) {
        await(timeout, () -> logText().contains(text), name + " to print '" + text + "'");
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL and wait for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM; returns the exit code once the process ended (it drains first). */
    int terminate(Duration timeout) {
        process.destroy();
        return waitFor(timeout);
    }

    private int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("drill: " + name + " did not stop within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Polls {@code condition} every 50 ms until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("drill: timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50); // polling interval, bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }
}
