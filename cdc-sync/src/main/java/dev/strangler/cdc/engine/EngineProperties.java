package dev.strangler.cdc.engine;

import dev.strangler.cdc.CdcSyncConfig;
import dev.strangler.cdc.JdbcUrl;
import dev.strangler.cdc.apply.Route;
import dev.strangler.cdc.offset.TargetOffsetStore;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/** The Debezium settings a syncer runs with; each chosen on purpose (see comments). */
public final class EngineProperties {

    private EngineProperties() {
    }

    public static Properties of(CdcSyncConfig config, List<Route> routes) {
        JdbcUrl src = JdbcUrl.parse(config.sourceJdbcUrl());
        Properties p = new Properties();
        p.setProperty("name", "strangler-" + config.slotName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", config.slotName());
        p.setProperty("database.hostname", src.host());
        p.setProperty("database.port", Integer.toString(src.port()));
        p.setProperty("database.dbname", src.database());
        p.setProperty("database.user", src.user());
        p.setProperty("database.password", src.password());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", config.slotName());
        p.setProperty("publication.name", config.slotName() + "_pub");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", routes.stream().map(r -> r.sourceTable().replace(".", "\\."))
                .collect(Collectors.joining(",")));
        // The initial copy is ours (InitialCopy, from the slot's exported snapshot): Debezium only streams.
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("snapshot.fetch.size", Integer.toString(config.snapshotFetchSize()));
        // Offsets live in the target, written with the rows (exactly-once in effect).
        p.setProperty("offset.storage", TargetOffsetStore.class.getName());
        p.setProperty(TargetOffsetStore.URL_KEY, config.targetJdbcUrl());
        p.setProperty(TargetOffsetStore.SLOT_KEY, config.slotName());
        // How often the slot is confirmed up to the stored offset (frees WAL on the source).
        p.setProperty("offset.flush.interval.ms", "1000");
        // Latency: the default 500 ms poll interval is the main floor of commit → event.
        p.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        p.setProperty("max.batch.size", Integer.toString(config.maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(config.maxBatchSize() * 4));
        // BEGIN/END markers let the applier apply each source transaction whole.
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("tombstones.on.delete", "false");
        // Text for decimals and intervals: the apply connection lets PostgreSQL cast them exactly.
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("include.unknown.datatypes", "true");
        // Loop prevention: skip transactions applied under a replication origin (ours, other direction).
        p.setProperty("slot.stream.params", "origin=none");
        // Only our own offset commits move the slot. connector_and_driver would let an idle slot (a
        // database that only receives applied, origin-tagged changes) confirm the server's keepalive
        // position, but after a SIGKILL the stored offset is then behind the slot and Debezium
        // refuses to start ("offset no longer available"): seen in the migration drill. Idle slots
        // retain WAL instead; strangler.cdc.slot.retained.wal and its alert watch that.
        p.setProperty("lsn.flush.mode", "connector");
        p.setProperty("errors.max.retries", "0");
        return p;
    }
}
