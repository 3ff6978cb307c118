#!/usr/bin/env bash
# CDC benchmark: commit→apply lag p50/p99 at 500 and 2,000 changes/s, peak sustained changes/s,
# snapshot rows/s for 1M rows, verify time for 1M rows, and raw Debezium commit→event latency
# in the same run as the baseline. Prints ratios against the targets.
#
#   bench/cdc.sh                      # 10 s per steady phase, 1M snapshot rows
#   BENCH_SECONDS=20 bench/cdc.sh     # longer phases
#   BENCH_SNAPSHOT_ROWS=200000 bench/cdc.sh
#
# Builds cdc-sync (no install: runs from target/ with the test class path).
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor invocation: reactor modules (legacy-adapter, embedded) resolve to their target/classes,
# so nothing is installed into ~/.m2. cdc-sync runs last and writes the class path file last.
mvn -B -q -pl cdc-sync -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/cdc-sync/target/cdc-bench.cp" -Dmdep.includeScope=test >/dev/null
CP="cdc-sync/target/classes:cdc-sync/target/test-classes:$(cat cdc-sync/target/cdc-bench.cp)"
exec java -Xmx1g -Dbench.seconds="${BENCH_SECONDS:-10}" -Dbench.snapshotRows="${BENCH_SNAPSHOT_ROWS:-1000000}" \
  -Dlogback.configurationFile=cdc-sync/src/test/resources/logback-test.xml \
  -cp "$CP" dev.strangler.cdc.bench.CdcBench
