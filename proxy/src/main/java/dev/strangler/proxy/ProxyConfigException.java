package dev.strangler.proxy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a proxy config file cannot be used; carries every problem found, not just the first,
 * so an operator can fix them all in one pass.
 */
public final class ProxyConfigException extends RuntimeException {

    private final transient List<ConfigError> errors;

    public ProxyConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    /** Every problem, in file order. */
    public List<ConfigError> errors() {
        return errors;
    }
}
