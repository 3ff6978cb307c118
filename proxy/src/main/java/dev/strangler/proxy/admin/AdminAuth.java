package dev.strangler.proxy.admin;

import dev.strangler.proxy.AdminToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer-token checks for the admin API. Every token is compared in constant time, so response
 * timing does not reveal how much of a guess was right.
 */
final class AdminAuth {

    private static final String BEARER = "Bearer ";
    private final List<AdminToken> tokens;

    AdminAuth(List<AdminToken> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    /** The name of an operator token, else 401 (missing/unknown) or 403 (viewer). */
    String operator(String authorization) {
        AdminToken t = anyToken(authorization);
        if (t.role() != AdminToken.Role.OPERATOR) {
            throw new AdminException(403, "forbidden", "token '" + t.name()
                    + "' is a viewer token; changing routes needs an operator token");
        }
        return t.name();
    }

    /** The matching token, else 401. */
    AdminToken anyToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new AdminException(401, "unauthorized",
                    "missing bearer token (send Authorization: Bearer <token>; tokens are under admin.tokens)");
        }
        byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        AdminToken found = null;
        for (AdminToken t : tokens) {
            if (MessageDigest.isEqual(given, t.secret().getBytes(StandardCharsets.UTF_8))) {
                found = t;
            }
        }
        if (found == null) {
            throw new AdminException(401, "unauthorized", "unknown bearer token (check admin.tokens in the proxy config)");
        }
        return found;
    }
}
