#!/usr/bin/env bash
# Free slots and booking on the monolith vs the extracted appointments service, same data,
# same requests, one run: prints p50/p99, throughput and the ratios.
#
#   bench/appointments.sh                      # 100k patients, 5k physicians, 4000 requests per op and target
#   bench/appointments.sh 20000 1000 2000 500 8  # patients physicians requests warmup concurrency
#
# Everything runs on this machine: embedded PostgreSQL (both databases), both apps, the driver.
set -euo pipefail
cd "$(dirname "$0")/.."
MODULE=extracted-services/appointments
echo "building (offline if possible)..." >&2
mvn -B -q -pl "$MODULE" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2 \
  || mvn -B -q -pl "$MODULE" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/bench.classpath")"
exec timeout 1800 java -Xmx2g -cp "$CP" -Dlogback.configurationFile="$MODULE/src/test/resources/logback-test.xml" \
    dev.strangler.services.appointments.bench.AppointmentsBench "$@"
