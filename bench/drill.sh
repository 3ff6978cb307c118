#!/usr/bin/env bash
# The migration drill, long version: embedded PostgreSQL (data + a separate control plane), the
# sample monolith, the appointments service, CDC both ways, two proxies on one control plane and
# virtual patients through both, while the seven phases of docs/drill.md run; prints the per-phase
# table (requests, failures, p50/p99, CDC lag, fallbacks) and the audit of every acknowledged write.
#
#   bench/drill.sh                    # --minutes 2 (of load, spread over the eight phases), 50 req/s
#   bench/drill.sh --minutes 10 --rps 100
#   bench/drill.sh --minutes 3 --keep # keep the work directory (child JVM logs, databases)
#
# Exit 0 only if no GET failed, no POST failed, nothing acknowledged is missing from either database,
# `cdc verify` found nothing and no change is dead-lettered.
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor invocation, nothing installed into ~/.m2: e2e runs last and writes the class path file
# last. The cli jar is left out of it (its manifest Class-Path would load every library twice);
# cli/target/classes stands in for it.
mvn -B -q -pl e2e -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/e2e/target/drill.cp" -DexcludeArtifactIds=strangler-cli >/dev/null
CP="e2e/target/classes:cli/target/classes:$(cat e2e/target/drill.cp)"
exec java -Xmx512m -cp "$CP" dev.strangler.e2e.DrillMain "$@"
