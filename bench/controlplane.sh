#!/usr/bin/env bash
# Control-plane benchmark: propagation of weight changes to a fleet of three proxies.
#
# Starts an embedded PostgreSQL and three proxies in one JVM (all following it with --control-db
# semantics), makes 50 weight changes through their admin APIs in turn (real HTTP PUTs), and for
# each change and proxy measures the time from the admin call returning to that proxy's live route
# table having the new weight. Prints p50/p99/max per proxy, over all, over the proxies that did not
# take the call ("others": the LISTEN/NOTIFY path), and the PUT's own latency. Target: p99 < 100 ms,
# never above 1 s.
#
#   bench/controlplane.sh                       # 50 changes after 10 warm-up changes
#   BENCH_CHANGES=200 bench/controlplane.sh
#
# Builds proxy and its reactor dependencies (no install: runs from target/ with the test class path).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl proxy -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/proxy/target/controlplane-bench.cp" -Dmdep.includeScope=test >/dev/null
CP="proxy/target/classes:proxy/target/test-classes:$(cat proxy/target/controlplane-bench.cp)"
exec java -Xmx512m -Dio.netty.leakDetection.level=disabled \
  -Dbench.changes="${BENCH_CHANGES:-50}" -Dbench.warmup="${BENCH_WARMUP:-10}" \
  -Dlogback.configurationFile=embedded/src/test/resources/logback-test.xml \
  -cp "$CP" dev.strangler.proxy.bench.ControlPlaneBench
