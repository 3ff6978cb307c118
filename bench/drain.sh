#!/usr/bin/env bash
# bench/drain.sh — requests lost during a drain-and-restart under load (must be 0).
#
# Starts a tiny backend and proxy A (listen.reusePort: true), runs keep-alive GET load through A,
# starts proxy B on the SAME port (SO_REUSEPORT), waits until B is ready, sends A SIGTERM, waits for
# A to exit (it must exit 0), lets the load run on, then prints requests sent/failed and latency
# overall and during the swap (SIGTERM to A's exit).
#
#   bench/drain.sh                    # 20 s of load, 16 connections
#   SECONDS_OF_LOAD=30 CONNECTIONS=64 bench/drain.sh
#
# Environment: STRANGLER_BENCH_PORT (18080), STRANGLER_BENCH_BACKEND_PORT (19001), DRAIN_DELAY (2s),
# GRACE (10s), SKIP_BUILD=1 to reuse cli/target/strangler.jar. Exit code 0 only when nothing failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${STRANGLER_BENCH_PORT:-18080}
backend_port=${STRANGLER_BENCH_BACKEND_PORT:-19001}
seconds=${SECONDS_OF_LOAD:-20}
connections=${CONNECTIONS:-16}
drain_delay=${DRAIN_DELAY:-2s}
grace=${GRACE:-10s}
java_opts=${STRANGLER_BENCH_JAVA_OPTS:-"-Xms256m -Xmx256m -Dio.netty.leakDetection.level=disabled"}

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$root/cli/target/strangler.jar" ]; then
  echo "drain.sh: building (mvn -B -q -DskipTests package -pl cli -am)" >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl cli -am)
fi

work=$(mktemp -d /tmp/strangler-drain.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

config() { # name admin_port
  cat > "$work/$1.yaml" <<YAML
listen: { address: 127.0.0.1:$port, reusePort: true }
threads: 1
admin: { listen: 127.0.0.1:$2 }
backends:
  monolith: http://127.0.0.1:$backend_port
routes:
  - id: everything
    match: { pathPrefix: / }
    legacy: monolith
state: { dir: $work/state-$1 }
shutdown: { drainDelay: $drain_delay, grace: $grace }
YAML
}

wait_ready() { # admin_port
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "drain.sh: proxy with admin port $1 never became ready; log:" >&2; cat "$work"/*.log >&2; exit 1
}

now_ms() { date +%s%3N; }

java "$root/bench/drain/DrainLoad.java" backend "$backend_port" > "$work/backend.log" 2>&1 &
pids+=($!)
config a 19911
config b 19912
# shellcheck disable=SC2086
java $java_opts -jar "$root/cli/target/strangler.jar" proxy --config "$work/a.yaml" > "$work/a.log" 2>&1 &
pid_a=$!; pids+=($pid_a)
wait_ready 19911

: > "$work/markers"
java "$root/bench/drain/DrainLoad.java" load "$port" "$seconds" "$connections" "$work/markers" > "$work/load.out" 2>&1 &
pid_load=$!; pids+=($pid_load)
sleep $((seconds / 4))

# shellcheck disable=SC2086
java $java_opts -jar "$root/cli/target/strangler.jar" proxy --config "$work/b.yaml" > "$work/b.log" 2>&1 &
pids+=($!)
wait_ready 19912
echo "sigterm $(now_ms)" >> "$work/markers"
kill -TERM "$pid_a"
set +e
wait "$pid_a"; exit_a=$?
set -e
echo "exited $(now_ms)" >> "$work/markers"

set +e
wait "$pid_load"; load_rc=$?
set -e
echo "== drain-and-restart on one port (SO_REUSEPORT), $connections keep-alive connections, ${seconds}s of load"
echo "old proxy exit code: $exit_a (expected 0); drainDelay $drain_delay, grace $grace"
echo "net.ipv4.tcp_migrate_req: $(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo n/a)"
cat "$work/load.out"
grep -E "listener closed|proxy stopped|shutdown grace" "$work/a.log" | sed 's/^/old proxy: /' || true
[ "$exit_a" = 0 ] && [ "$load_rc" = 0 ]
