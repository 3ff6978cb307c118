package dev.strangler.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request per connection over a plain socket ({@code Connection: close}), so that no client
 * library retries behind the test's back: what the test sees is what the proxy answered.
 */
final class Http1 {

    record Reply(int status, String backend, String body) {
        boolean outcomeUnknown() {
            return body.contains("\"outcome\":\"unknown\"");
        }
    }

    private Http1() {
    }

    static Reply send(int port, String method, String path, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n") + "\r\n";
        byte[] req = new byte[head.length() + b.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, req, 0, head.length());
        System.arraycopy(b, 0, req, head.length(), b.length);
        RawHttp.Reply r = RawHttp.send(port, req, 15_000);
        String text = r.text();
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Reply(-1, "", text);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        int end = text.indexOf("\r\n\r\n");
        String headers = end < 0 ? text : text.substring(0, end);
        String backend = "";
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("x-backend:")) {
                backend = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return new Reply(status, backend, end < 0 ? "" : text.substring(end + 4));
    }

    static Reply get(int port, String path) throws IOException {
        return send(port, "GET", path, null);
    }
}
