package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Append-only audit log, one JSON object per line, flushed to disk on every append. An entry's
 * {@code seq} is its line number (1-based, blank lines not counted), so it is stable across restarts
 * and needs no counter of its own. Called only from the admin worker thread (never from an event
 * loop): it does blocking file I/O.
 */
public final class AuditLog implements AuditStore {

    private final Path file;
    private final ObjectMapper json;
    /** Entries in the file; -1 until first counted. Guarded by {@code this}. */
    private long count = -1;

    public AuditLog(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** Appends one entry, forces it to disk and returns it with its {@code seq}. */
    @Override
    public synchronized AuditEntry append(AuditEntry e) {
        try {
            long seq = count() + 1;
            AuditEntry appended = e.withSeq(seq);
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] line = (json.writeValueAsString(toJson(appended)) + "\n").getBytes(StandardCharsets.UTF_8);
            try (var ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(line));
                ch.force(false);
            }
            count = seq;
            return appended;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to audit log " + file, ex);
        }
    }

    @Override
    public List<AuditEntry> tail(int limit) {
        return query(AuditQuery.newest(limit));
    }

    @Override
    public synchronized List<AuditEntry> query(AuditQuery q) {
        if (!Files.exists(file)) {
            return List.of();
        }
        ArrayDeque<AuditEntry> last = new ArrayDeque<>(Math.min(q.limit(), 1024));
        long seq = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                seq++;
                if (seq <= q.afterSeq()) {
                    continue; // cheaper than parsing: seq is the line number
                }
                if (q.beforeSeq() != 0 && seq >= q.beforeSeq()) {
                    break;
                }
                AuditEntry e = fromJson(seq, json.readTree(line));
                if (!q.matches(e)) {
                    continue;
                }
                last.addLast(e);
                if (last.size() > q.limit()) {
                    last.removeFirst();
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read audit log " + file, ex);
        }
        count = seq;
        return List.copyOf(last);
    }

    /** The JSON shape of the admin API's audit ENTRY (docs/admin-api.md, docs/proxy.md). */
    @Override
    public ObjectNode toJson(AuditEntry e) {
        return AuditJson.toJson(json, e);
    }

    private long count() throws IOException {
        if (count < 0) {
            long n = 0;
            if (Files.exists(file)) {
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (!line.isBlank()) {
                            n++;
                        }
                    }
                }
            }
            count = n;
        }
        return count;
    }

    private static AuditEntry fromJson(long seq, JsonNode n) {
        JsonNode details = n.get("details");
        return new AuditEntry(seq, Instant.parse(n.path("time").asText()), n.path("actor").asText(),
                n.path("action").asText(), n.path("route").asText(), n.path("before").path("weightBps").asInt(),
                n.path("after").path("weightBps").asInt(), n.path("reason").asText(""),
                details instanceof ObjectNode o ? o : null);
    }
}
