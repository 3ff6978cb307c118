package dev.strangler.cli.demo;

import java.nio.file.Path;

/**
 * What {@code strangler demo} starts.
 *
 * @param proxyPort  client-facing proxy port (0 = any free port)
 * @param adminPort  admin API and dashboard port (0 = any free port)
 * @param rps        simulated requests per second; 0 switches the traffic generator off
 * @param patients   patients seeded into the monolith
 * @param physicians physicians seeded into the monolith
 * @param dataDir    where PostgreSQL and proxy state live; {@code null} = a temporary directory
 *                   removed on exit
 */
public record DemoSettings(int proxyPort, int adminPort, int rps, int patients, int physicians, Path dataDir) {

    public DemoSettings {
        checkPort("proxy port", proxyPort);
        checkPort("admin port", adminPort);
        if (rps < 0 || rps > 5_000) {
            throw new IllegalArgumentException("--rps: " + rps + " (expected: 0..5000)");
        }
        if (patients < 10 || patients > 1_000_000) {
            throw new IllegalArgumentException("--patients: " + patients + " (expected: 10..1000000)");
        }
        if (physicians < 2 || physicians > 100_000) {
            throw new IllegalArgumentException("--physicians: " + physicians + " (expected: 2..100000)");
        }
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(what + ": " + port + " (expected: 0..65535, 0 = any free port)");
        }
    }
}
