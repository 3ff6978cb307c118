package dev.strangler.proxy.admin;

/**
 * An admin request that cannot be served; carries the HTTP status, the contract's error code and a
 * one-line message (what, where, how to fix).
 */
public class AdminException extends RuntimeException {

    private final int status;
    private final String code;

    public AdminException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static AdminException badRequest(String message) {
        return new AdminException(400, "bad_request", message);
    }

    static AdminException notFound(String message) {
        return new AdminException(404, "not_found", message);
    }

    /** 503: the control plane cannot be reached, so the change was made nowhere. */
    public static AdminException controlPlaneUnavailable(String message) {
        return new AdminException(503, "control_plane_unavailable", message);
    }
}
