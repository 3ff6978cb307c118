package dev.strangler.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns an admin API error response into the one line an operator needs (what, and what to do). */
final class AdminErrors {
    private AdminErrors() {
    }

    static CliException of(int status, JsonNode json, String call, AdminSettings settings) {
        String message = json == null ? null : json.path("message").asText(null);
        String detail = message == null ? "" : ": " + AdminClient.oneLine(message);
        String text = switch (status) {
            case 401 -> settings.token().isPresent()
                    ? "the admin API rejected the token (401): set " + AdminOptions.TOKEN_ENV
                            + " or --token-file (the rejected token came from " + settings.tokenSource() + ")"
                    : "the admin API needs a token for " + call + " (401): set " + AdminOptions.TOKEN_ENV
                            + " or --token-file";
            case 403 -> "the admin API refused " + call + " for this token (403)" + detail
                    + "; use a token with role operator (token from " + settings.tokenSource() + ")";
            case 404 -> message != null
                    ? AdminClient.oneLine(message) + " (404)"
                    : "the admin API at " + settings.baseUri() + " has no " + call + " (404): is --admin ("
                            + settings.adminSource() + ") pointing at the proxy's admin port?";
            case 400 -> "the admin API rejected " + call + " (400)" + detail;
            case 409 -> "the admin API refused " + call + " (409 conflict)" + detail;
            default -> status >= 500
                    ? "the admin API failed on " + call + " (" + status + ")"
                            + (detail.isEmpty() ? ": see the proxy's log" : detail)
                    : "unexpected answer " + status + " from the admin API on " + call + detail;
        };
        return CliException.failure(text);
    }
}
