package dev.strangler.sample.http;

import static java.util.Objects.requireNonNull;

/**
 * An error a client caused or can act on: becomes a JSON body
 * {@code {"error": code, "message": message, "status": status}} with that HTTP status.
 * Throw it from a handler; anything else that escapes a handler is a 500.
 */
public final class HttpError extends RuntimeException {

    private final int status;
    private final String code;

    /** {@code code} is a stable snake_case identifier clients can switch on. */
    public HttpError(int status, String code, String message) {
        super(requireNonNull(message, "message"), null, false, false); // no stack: an expected outcome
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
        }
        this.status = status;
        this.code = requireNonNull(code, "code");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** 400 with code {@code invalid_request}. */
    public static HttpError badRequest(String message) {
        return new HttpError(400, "invalid_request", message);
    }

    /** 404 with code {@code not_found}. */
    public static HttpError notFound(String message) {
        return new HttpError(404, "not_found", message);
    }

    /** 409 with the given code. */
    public static HttpError conflict(String code, String message) {
        return new HttpError(409, code, message);
    }

    /** 422 with the given code: well-formed, but a business rule refuses it. */
    public static HttpError unprocessable(String code, String message) {
        return new HttpError(422, code, message);
    }
}
