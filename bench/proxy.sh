#!/usr/bin/env bash
# bench/proxy.sh — measure the strangler proxy against nginx and HAProxy in one interleaved run.
#
# Builds cli/target/strangler.jar, starts `strangler proxy` with ONE I/O thread and a 90/10
# weighted route to 127.0.0.1:9001 (legacy) / 127.0.0.1:9002 (modern), runs the shared
# ../shared/bench/proxy-baseline.sh against it (that script starts the backends, nginx and
# HAProxy with one worker each, and prints medians, spread and ratios), then stops the proxy.
#
#   bench/proxy.sh                 # default: -w 30 (JIT warm-up), loads 50,8,1, 3 reps (~8 min)
#   bench/proxy.sh -r 1 -d 5       # extra arguments go to proxy-baseline.sh
#
# Environment: STRANGLER_BENCH_PORT (8080), STRANGLER_BENCH_ADMIN_PORT (9911),
# STRANGLER_BENCH_THREADS (1), STRANGLER_BENCH_JAVA_OPTS (see below), STRANGLER_SHARED
# (fallback location of the shared folder when ../shared is absent).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
baseline="$root/../shared/bench/proxy-baseline.sh"
if [ ! -x "$baseline" ]; then
  baseline="${STRANGLER_SHARED:-/work/shared}/bench/proxy-baseline.sh"
fi
[ -x "$baseline" ] || { echo "proxy.sh: cannot find proxy-baseline.sh (looked in ../shared/bench and \$STRANGLER_SHARED/bench)" >&2; exit 1; }

missing=()
for tool in wrk nginx haproxy curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "proxy.sh: installing wrk nginx-light haproxy (missing: ${missing[*]})" >&2
    apt-get install -y wrk nginx-light haproxy curl >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk nginx-light haproxy curl >/dev/null; }
  else
    echo "proxy.sh: missing ${missing[*]}; run: apt-get install -y wrk nginx-light haproxy" >&2
    exit 1
  fi
fi

port=${STRANGLER_BENCH_PORT:-8080}
admin_port=${STRANGLER_BENCH_ADMIN_PORT:-9911}
threads=${STRANGLER_BENCH_THREADS:-1}
# Fixed heap (no resizing during runs), ParallelGC (cheapest barriers; the live set is tiny, so
# young pauses stay well under a millisecond), no leak-detection sampling.
java_opts=${STRANGLER_BENCH_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled"}

echo "proxy.sh: building (mvn -B -q -DskipTests package)" >&2
(cd "$root" && mvn -B -q -DskipTests package)

work=$(mktemp -d /tmp/strangler-bench.XXXXXX)
cat > "$work/strangler.yaml" <<YAML
listen: 127.0.0.1:$port
threads: $threads
admin:
  listen: 127.0.0.1:$admin_port
  tokens:
    bench: \${env:STRANGLER_TOKEN:-bench-token-not-secret}
backends:
  legacy: http://127.0.0.1:9001
  modern: http://127.0.0.1:9002
routes:
  - id: bench
    match: { pathPrefix: / }
    legacy: legacy
    target: modern
    weightBps: 1000          # 10% to modern, per-request buckets (no sticky key): 90/10
limits:
  idleTimeout: 300s
  maxIdlePerBackend: 256
state:
  dir: $work/state
YAML

# shellcheck disable=SC2086
java $java_opts -jar "$root/cli/target/strangler.jar" proxy --config "$work/strangler.yaml" >"$work/proxy.log" 2>&1 &
pid=$!
cleanup() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$admin_port/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "proxy.sh: proxy exited; log:" >&2; cat "$work/proxy.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$admin_port/readyz" >/dev/null || { echo "proxy.sh: proxy not ready after 30 s" >&2; exit 1; }
echo "proxy.sh: strangler proxy pid $pid on 127.0.0.1:$port, $threads I/O thread(s), JVM: $java_opts" >&2

args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-w 30)
"$baseline" -p "$pid" "${args[@]}" "127.0.0.1:$port"
