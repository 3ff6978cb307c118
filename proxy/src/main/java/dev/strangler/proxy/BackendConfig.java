package dev.strangler.proxy;

import static java.util.Objects.requireNonNull;

/**
 * A named upstream reached over plain HTTP/1.1 at {@code host:port}.
 *
 * @param name    key under {@code backends:}
 * @param address where to connect
 */
public record BackendConfig(String name, HostPort address) {

    public BackendConfig {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        if (address.port() == 0) {
            throw new IllegalArgumentException("backend " + name + ": port 0 (expected: 1..65535)");
        }
    }

    @Override
    public String toString() {
        return name + "=http://" + address;
    }
}
