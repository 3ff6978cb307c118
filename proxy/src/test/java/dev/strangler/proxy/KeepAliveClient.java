package dev.strangler.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A plain HTTP/1.1 keep-alive client on one socket at a time, like a browser's or a load
 * balancer's connection: reuses the connection until the server says {@code Connection: close}
 * (then reconnects for the next request). It never retries: a request that fails is a failure.
 * Bodies must be Content-Length framed (the test backends' are).
 */
final class KeepAliveClient implements AutoCloseable {

    /** One answer: status, whether the server asked to close, and the X-Backend header. */
    record Answer(int status, boolean close, String backend) {
    }

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    int connects;

    KeepAliveClient(int port) {
        this.port = port;
    }

    Answer get(String path) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            connects++;
        }
        try {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Answer a = readResponse();
            if (a.close()) {
                close();
            }
            return a;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Answer readResponse() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before any response byte");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean close = false;
        String backend = null;
        String h;
        while ((h = line()) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                case "x-backend" -> backend = value;
                default -> { }
            }
        }
        if (h == null) {
            throw new IOException("connection closed inside the response headers");
        }
        if (length < 0) {
            throw new IOException("response without Content-Length (status " + status + ")");
        }
        for (long i = 0; i < length; i++) {
            if (in.read() < 0) {
                throw new IOException("connection closed inside the response body");
            }
        }
        return new Answer(status, close, backend);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket we are abandoning: nothing to do about a failure
            }
            socket = null;
        }
    }
}
