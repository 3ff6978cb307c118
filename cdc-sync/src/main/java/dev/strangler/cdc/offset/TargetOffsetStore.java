package dev.strangler.cdc.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's offset store, backed by the {@code strangler_cdc_offset} row the applier writes in the
 * same target transaction as the rows. The engine instantiates it by class name
 * ({@code offset.storage}) and configures it from {@link #URL_KEY} and {@link #SLOT_KEY}.
 *
 * <p>Why {@link #set} does nothing: the applier already stored the offset with the rows. The
 * PostgreSQL connector confirms to the replication slot whatever {@link #get} returns (its
 * {@code commit()} re-reads the stored offsets), so the slot never moves past what the target
 * committed; a crash between apply and Debezium's own bookkeeping replays harmlessly.
 */
public final class TargetOffsetStore implements OffsetBackingStore {

    public static final String URL_KEY = "strangler.offset.jdbc.url";
    public static final String SLOT_KEY = "strangler.offset.slot";

    private static final Logger log = LoggerFactory.getLogger(TargetOffsetStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url;
    private String slot;
    private Connection connection;

    /** Public no-argument constructor: Debezium creates the store reflectively. */
    public TargetOffsetStore() {
    }

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> originals = config.originals();
        this.url = (String) originals.get(URL_KEY);
        this.slot = (String) originals.get(SLOT_KEY);
        if (url == null || slot == null) {
            throw new IllegalStateException("offset store: " + URL_KEY + " and " + SLOT_KEY + " must be set");
        }
    }

    @Override
    public synchronized void start() {
        // Connected lazily in get(): start() runs before the engine's error handling is in place.
    }

    @Override
    public synchronized void stop() {
        closeQuietly();
    }

    @Override
    public synchronized Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
        try {
            Optional<String[]> stored = OffsetTable.read(connection(), slot);
            if (stored.isPresent()) {
                JsonNode partition = JSON.readTree(stored.get()[0]);
                for (ByteBuffer key : keys) {
                    // Keys are JsonConverter output (schemas off): ["<engine name>", {partition}].
                    JsonNode k = JSON.readTree(StandardCharsets.UTF_8.decode(key.duplicate()).toString());
                    if (k.isArray() && k.size() == 2 && partition.equals(k.get(1))) {
                        out.put(key, ByteBuffer.wrap(stored.get()[1].getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            return CompletableFuture.completedFuture(out);
        } catch (SQLException | IOException e) {
            closeQuietly();
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "offset store: cannot read the offset of slot " + slot + ": " + e.getMessage(), e));
        }
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        // Already stored transactionally with the applied rows (see class comment).
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = java.sql.DriverManager.getConnection(url);
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("offset store connection did not close cleanly: {}", e.getMessage());
            }
            connection = null;
        }
    }
}
