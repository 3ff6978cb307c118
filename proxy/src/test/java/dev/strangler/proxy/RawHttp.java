package dev.strangler.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends raw bytes over a plain socket and reads what comes back, for malformed-input tests. */
final class RawHttp {

    /** Response text and whether the server closed the connection. */
    record Reply(String text, boolean closed) {
        String statusLine() {
            int nl = text.indexOf("\r\n");
            return nl < 0 ? text : text.substring(0, nl);
        }
    }

    private RawHttp() {
    }

    static Reply send(int port, String request) throws IOException {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1), 5_000);
    }

    static Reply send(int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readUntilClose(s.getInputStream());
        }
    }

    static Reply readUntilClose(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean closed = false;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false; // still open after the timeout
        } catch (java.net.SocketException e) {
            closed = true; // reset by the server counts as closed
        }
        return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed);
    }
}
