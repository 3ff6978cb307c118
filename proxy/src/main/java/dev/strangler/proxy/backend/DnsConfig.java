package dev.strangler.proxy.backend;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Endpoints discovered from a DNS name ({@code backends.NAME.dns}): every address the name resolves
 * to, on {@code port}, re-resolved every {@code refresh} (ECS service discovery answers one A
 * record per task).
 */
public record DnsConfig(String name, int port, Duration refresh) {

    public DnsConfig {
        requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("dns.name is blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("dns.port: " + port + " (expected: 1..65535)");
        }
        Durations.positive("dns.refresh", refresh);
    }
}
