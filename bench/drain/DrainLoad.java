// bench/drain/DrainLoad.java — single-file Java program (run with `java DrainLoad.java ...`) used by
// bench/drain.sh. Two modes:
//   backend PORT                      a tiny HTTP backend (JDK HttpServer) answering 200 {"ok":true}
//   load PORT SECONDS CONNECTIONS MARKERS
//                                     keep-alive GET load on 127.0.0.1:PORT for SECONDS with CONNECTIONS
//                                     connections; reconnects after "Connection: close"; never retries.
//                                     At the end reads MARKERS ("sigterm <epoch ms>", "exited <epoch ms>")
//                                     and prints totals and latency overall and during the swap.
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

public class DrainLoad {

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("backend")) {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 1024);
            s.setExecutor(Executors.newFixedThreadPool(4));
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            s.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            s.start();
            System.out.println("backend on 127.0.0.1:" + args[1]);
            return;
        }
        if (args.length != 5 || !args[0].equals("load")) {
            System.err.println("usage: java DrainLoad.java backend PORT | load PORT SECONDS CONNECTIONS MARKERS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        long endAt = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        int connections = Integer.parseInt(args[3]);
        List<long[]> samples = new ArrayList<>(); // {end epoch ms, latency µs}, merged at the end
        AtomicLong failed = new AtomicLong();
        AtomicLong reconnects = new AtomicLong();
        Map<String, Integer> reasons = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        List<List<long[]>> perThread = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            List<long[]> mine = new ArrayList<>(200_000);
            perThread.add(mine);
            Thread t = new Thread(() -> {
                Conn c = null;
                while (System.currentTimeMillis() < endAt) {
                    long t0 = System.nanoTime();
                    try {
                        if (c == null) {
                            c = new Conn(port);
                            reconnects.incrementAndGet();
                        }
                        boolean close = c.get();
                        mine.add(new long[] {System.currentTimeMillis(), (System.nanoTime() - t0) / 1000});
                        if (close) {
                            c.close();
                            c = null;
                        }
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        reasons.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        if (c != null) {
                            c.close();
                        }
                        c = null;
                    }
                }
                if (c != null) {
                    c.close();
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        perThread.forEach(samples::addAll);
        long sigterm = 0;
        long exited = 0;
        for (String line : Files.readAllLines(Path.of(args[4]))) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals("sigterm")) {
                sigterm = Long.parseLong(kv[1]);
            } else if (kv.length == 2 && kv[0].equals("exited")) {
                exited = Long.parseLong(kv[1]);
            }
        }
        long ok = samples.size();
        System.out.printf(Locale.ROOT, "requests sent: %d, succeeded: %d, failed: %d (connections opened: %d)%n",
                ok + failed.get(), ok, failed.get(), reconnects.get());
        reasons.forEach((r, n) -> System.out.printf("  failure x%d: %s%n", n, r));
        print("latency overall", samples, 0, Long.MAX_VALUE);
        if (sigterm > 0 && exited > 0) {
            print("latency during the swap (SIGTERM to old proxy exit, " + (exited - sigterm) + " ms)", samples, sigterm, exited);
        }
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    private static void print(String label, List<long[]> samples, long from, long to) {
        long[] lat = samples.stream().filter(s -> s[0] >= from && s[0] <= to).mapToLong(s -> s[1]).sorted().toArray();
        if (lat.length == 0) {
            System.out.printf("%s: no requests%n", label);
            return;
        }
        System.out.printf(Locale.ROOT, "%s: n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms%n", label, lat.length,
                lat[(int) Math.min(lat.length - 1, Math.ceil(0.50 * lat.length) - 1)] / 1000.0,
                lat[(int) Math.min(lat.length - 1, Math.ceil(0.99 * lat.length) - 1)] / 1000.0,
                lat[lat.length - 1] / 1000.0);
    }

    /** One keep-alive connection; Content-Length framed responses only. */
    static final class Conn {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;
        private static final byte[] REQUEST = "GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

        Conn(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Sends one GET; returns whether the server asked to close. Throws on anything but a 200. */
        boolean get() throws IOException {
            out.write(REQUEST);
            out.flush();
            String status = line();
            if (status == null) {
                throw new IOException("connection closed before any response byte");
            }
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IOException("status " + status);
            }
            long length = -1;
            boolean close = false;
            String h;
            while ((h = line()) != null && !h.isEmpty()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (h == null || length < 0) {
                throw new IOException("truncated response headers");
            }
            if (in.readNBytes((int) length).length != length) {
                throw new IOException("truncated response body");
            }
            return close;
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                b.write(c);
            }
            if (c < 0 && b.size() == 0) {
                return null;
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // abandoning the connection either way
            }
        }
    }
}
