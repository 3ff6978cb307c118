package dev.strangler.cdc.apply;

import dev.strangler.cdc.CdcSyncException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's batch consumer: cuts the stream into complete source transactions (Debezium's
 * BEGIN/END transaction markers) and hands them to the {@link ChangeApplier}. A transaction that
 * continues into the next batch is held back until its END arrives, so the target never shows
 * half of a source transaction. Snapshot rows carry no transaction and are applied as they come.
 *
 * <p>Records are marked processed once applied; the stored offset in the target, not Debezium's
 * bookkeeping, decides where a restart resumes (see {@code TargetOffsetStore}).
 */
public final class BatchHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final String transactionTopic;
    private final ChangeApplier applier;
    private List<SourceRecord> openTx;

    public BatchHandler(String topicPrefix, ChangeApplier applier) {
        this.transactionTopic = topicPrefix + ".transaction";
        this.applier = applier;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> events,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<ChangeApplier.TxGroup> complete = new ArrayList<>();
        for (RecordChangeEvent<SourceRecord> e : events) {
            SourceRecord r = e.record();
            if (r.value() == null) {
                continue; // tombstone after a delete: the delete itself carried the key
            }
            if (transactionTopic.equals(r.topic())) {
                String status = ((Struct) r.value()).getString("status");
                if ("BEGIN".equals(status)) {
                    openTx = new ArrayList<>();
                } else if ("END".equals(status)) {
                    complete.add(new ChangeApplier.TxGroup(openTx == null ? List.of() : openTx,
                            r.sourcePartition(), r.sourceOffset()));
                    openTx = null;
                }
            } else if (openTx != null) {
                openTx.add(r);
            } else {
                complete.add(new ChangeApplier.TxGroup(List.of(r), r.sourcePartition(), r.sourceOffset()));
            }
        }
        try {
            applier.apply(complete);
        } catch (SQLException e) {
            throw new CdcSyncException("target connection failed while applying a batch (SQLSTATE "
                    + e.getSQLState() + "); the syncer restarts from the stored offset", e);
        }
        for (RecordChangeEvent<SourceRecord> e : events) {
            committer.markProcessed(e);
        }
        committer.markBatchFinished();
    }
}
