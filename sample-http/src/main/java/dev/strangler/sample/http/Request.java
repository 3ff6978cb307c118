package dev.strangler.sample.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as handlers see it: a copy detached from Netty's buffers, so it may be
 * used on any thread. Header names are lower-case.
 */
public final class Request {

    private final String method;
    private final String path;
    private final String requestId;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final Map<String, String> headers;
    private final byte[] body;
    private final ObjectMapper mapper;

    public Request(String method, String path, String requestId, Map<String, String> pathParams,
            Map<String, List<String>> query, Map<String, String> headers, byte[] body, ObjectMapper mapper) {
        this.method = requireNonNull(method, "method");
        this.path = requireNonNull(path, "path");
        this.requestId = requireNonNull(requestId, "requestId");
        this.pathParams = Map.copyOf(pathParams);
        this.query = Map.copyOf(query);
        this.headers = Map.copyOf(headers);
        this.body = body.clone();
        this.mapper = requireNonNull(mapper, "mapper");
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The id this server gave the request (also sent back as {@code X-Request-Id}). */
    public String requestId() {
        return requestId;
    }

    /** A header by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The raw body bytes (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** The body parsed as a JSON object; 400 with the parser's position when it is not one. */
    public JsonBody json() {
        return JsonBody.parse(mapper, body);
    }

    /** A path parameter that must be a positive id; 404 otherwise (no such resource can exist). */
    public long pathId(String name) {
        String raw = pathParam(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through: a non-numeric id names nothing that exists
        }
        throw HttpError.notFound(name + " '" + raw + "': no such resource (expected: a positive integer id)");
    }

    /** A path parameter by the name used in the route template. */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("path parameter " + name + " is not in the route template of " + path);
        }
        return v;
    }

    /** The first value of a query parameter, if present and not empty. */
    public Optional<String> query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty()
                ? Optional.empty()
                : Optional.of(values.get(0));
    }

    /** A required positive integer query parameter; 400 when missing or not a positive integer. */
    public long queryId(String name) {
        String raw = query(name).orElseThrow(() -> HttpError.badRequest(
                "query parameter " + name + ": missing (expected: a positive integer id)"));
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below with the offending value
        }
        throw HttpError.badRequest("query parameter " + name + ": '" + raw + "' (expected: a positive integer id)");
    }

    /** An optional positive id query parameter. */
    public Optional<Long> optionalQueryId(String name) {
        return query(name).isPresent() ? Optional.of(queryId(name)) : Optional.empty();
    }

    /** An integer query parameter in {@code [min, max]}, or {@code dflt} when absent. */
    public int queryInt(String name, int dflt, int min, int max) {
        Optional<String> raw = query(name);
        if (raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the offending value
        }
        throw HttpError.badRequest("query parameter " + name + ": '" + raw.get() + "' (expected: an integer "
                + min + ".." + max + ")");
    }

    /** A required ISO date query parameter ({@code 2030-01-07}). */
    public LocalDate queryDate(String name) {
        String raw = query(name).orElseThrow(() -> HttpError.badRequest(
                "query parameter " + name + ": missing (expected: a date like 2030-01-07)"));
        try {
            LocalDate d = LocalDate.parse(raw);
            if (d.getYear() >= 1000 && d.getYear() <= 9999) { // beyond, SQL date types overflow
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below with the offending value
        }
        throw HttpError.badRequest("query parameter " + name + ": '" + raw + "' (expected: a date like 2030-01-07)");
    }
}
