package dev.strangler.cdc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * A syncer in its own JVM, so tests can kill it the hard way ({@code destroyForcibly}): no
 * graceful close, no finally blocks, connections cut by the kernel.
 * Arguments: source URL, target URL, mapping file, slot.
 */
public final class SyncChild {

    private SyncChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        CdcSync.start(CdcSyncConfig.builder().source(args[0]).target(args[1]).mapping(Path.of(args[2])).slot(args[3])
                .maxBatchSize(500).build(), new SimpleMeterRegistry(), Clock.systemUTC());
        new CountDownLatch(1).await(); // runs until killed
    }

    /** Starts a child syncer JVM with this test class path. */
    static Process spawn(String source, String target, Path mapping, String slot) {
        try {
            // Each restart costs a JVM start plus Debezium's start, the bulk of CrashRecoveryIT's time:
            // C1 only and the serial collector start faster and are plenty for ~1,000 changes/s.
            return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-Dlogback.configurationFile=" + Path.of("target", "test-classes", "logback-child.xml").toAbsolutePath(),
                    "-cp", System.getProperty("java.class.path"), SyncChild.class.getName(), source, target,
                    mapping.toString(), slot)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "sync-child-" + slot + ".log").toFile()))
                    .start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not start a child JVM: " + e.getMessage(), e);
        }
    }
}
