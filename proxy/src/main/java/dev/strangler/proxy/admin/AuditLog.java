package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Append-only audit log, one JSON object per line, flushed to disk on every append. Called only
 * from the admin worker thread (never from an event loop): it does blocking file I/O.
 */
public final class AuditLog implements AuditStore {

    private final Path file;
    private final ObjectMapper json;

    public AuditLog(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** Appends one entry and forces it to disk. */
    public synchronized void append(AuditEntry e) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] line = (json.writeValueAsString(toJson(e)) + "\n").getBytes(StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(java.nio.ByteBuffer.wrap(line));
                ch.force(false);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to audit log " + file, ex);
        }
    }

    @Override
    public synchronized List<AuditEntry> tail(int limit) {
        if (!Files.exists(file)) {
            return List.of();
        }
        ArrayDeque<AuditEntry> last = new ArrayDeque<>(Math.min(limit, 1024));
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                last.addLast(fromJson(json.readTree(line)));
                if (last.size() > limit) {
                    last.removeFirst();
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read audit log " + file, ex);
        }
        return List.copyOf(last);
    }

    @Override
    public ObjectNode toJson(AuditEntry e) {
        return AuditJson.toJson(json, e);
    }

    private static AuditEntry fromJson(JsonNode n) {
        return new AuditEntry(Instant.parse(n.path("time").asText()), n.path("actor").asText(),
                n.path("action").asText(), n.path("route").asText(), n.path("before").path("weightBps").asInt(),
                n.path("after").path("weightBps").asInt(), n.path("reason").asText(""));
    }
}
