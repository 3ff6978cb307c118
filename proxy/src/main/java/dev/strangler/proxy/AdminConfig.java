package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * The admin API's listen address and its bearer tokens by name.
 */
public record AdminConfig(HostPort listen, Map<String, AdminToken> tokens) {

    /** Default admin address: loopback only. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9901);

    public AdminConfig {
        requireNonNull(listen, "listen");
        tokens = Map.copyOf(tokens == null ? Map.of() : tokens);
    }
}
