#!/usr/bin/env bash
# bench/fallback.sh — latency the fallback to the monolith adds when the extracted service
# refuses connections, against routing straight to the monolith, in one interleaved run.
#
# Starts an nginx backend ("monolith", returns a small JSON) and `strangler proxy` (one I/O
# thread) with three routes, then measures each with wrk (closed loop, -c connections):
#   /direct    legacy only: proxy -> monolith
#   /fallback  weight 100 % to a target whose port refuses connections, circuit breaker kept
#              closed (minimumCalls huge): every request tries the target, is refused, and is
#              replayed on the monolith (reason "connect")
#   /open      same, but the target's circuit is open: the request goes to the monolith at once
#              (reason "circuit_open")
# Prints p50/p99 per route (median over repetitions), the added latency and the ratio to /direct,
# and the fallback counters from /metrics.
#
#   bench/fallback.sh                  # default: -r 3 -d 10 -w 5 -c 8
#   bench/fallback.sh -r 1 -d 3 -w 2   # quick check
#   STRANGLER_JAR=cli/target/strangler.jar bench/fallback.sh   # skip the build
#
# Environment: STRANGLER_BENCH_PORT (8180), STRANGLER_BENCH_ADMIN_PORT (9912),
# STRANGLER_BENCH_LEGACY_PORT (9011), STRANGLER_BENCH_JAVA_OPTS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=3; dur=10; warm=5; conns=8
while getopts "r:d:w:c:h" opt; do
  case $opt in
    r) reps=$OPTARG ;; d) dur=$OPTARG ;; w) warm=$OPTARG ;; c) conns=$OPTARG ;;
    h) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: bench/fallback.sh [-r REPS] [-d SECONDS] [-w WARMUP_SECONDS] [-c CONNECTIONS]" >&2; exit 2 ;;
  esac
done

for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fallback.sh: missing $tool (apt-get install -y wrk nginx-light curl python3)" >&2; exit 1; }
done

port=${STRANGLER_BENCH_PORT:-8180}
admin_port=${STRANGLER_BENCH_ADMIN_PORT:-9912}
legacy_port=${STRANGLER_BENCH_LEGACY_PORT:-9011}
java_opts=${STRANGLER_BENCH_JAVA_OPTS:-"-Xms256m -Xmx256m -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled"}
jar=${STRANGLER_JAR:-}
if [ -z "$jar" ]; then
  echo "fallback.sh: building (mvn -B -q -DskipTests -pl cli -am package)" >&2
  (cd "$root" && mvn -B -q -DskipTests -pl cli -am package)
  jar="$root/cli/target/strangler.jar"
fi
[ -f "$jar" ] || { echo "fallback.sh: no jar at $jar" >&2; exit 1; }

work=$(mktemp -d /tmp/strangler-fallback.XXXXXX)
# A port nobody listens on: bind it, note it, close it (the kernel then refuses connections).
refused_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$legacy_port;
    location / { default_type application/json; return 200 '{"backend":"monolith","ok":true}'; }
  }
}
NGINX

cat > "$work/strangler.yaml" <<YAML
listen: 127.0.0.1:$port
threads: 1
admin:
  listen: 127.0.0.1:$admin_port
backends:
  monolith: http://127.0.0.1:$legacy_port
  refusing:
    endpoints: [http://127.0.0.1:$refused_port]
    resilience:
      circuitBreaker: { minimumCalls: 100000, slidingWindow: 100000 }   # never opens: every request tries
  refusing-open:
    endpoints: [http://127.0.0.1:$refused_port]
    resilience:
      circuitBreaker: { failureRateThreshold: 1, slidingWindow: 1, minimumCalls: 1, openFor: 1h }
routes:
  - { id: direct,   match: { pathPrefix: /direct },   legacy: monolith }
  - { id: fallback, match: { pathPrefix: /fallback }, legacy: monolith, target: refusing,      weightBps: 10000 }
  - { id: open,     match: { pathPrefix: /open },     legacy: monolith, target: refusing-open, weightBps: 10000 }
limits:
  idleTimeout: 300s
  maxIdlePerBackend: 256
state:
  dir: $work/state
YAML

nginx -c "$work/nginx/nginx.conf"
# shellcheck disable=SC2086
java $java_opts -jar "$jar" proxy --config "$work/strangler.yaml" >"$work/proxy.log" 2>&1 &
pid=$!
cleanup() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$admin_port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "fallback.sh: proxy exited; log:" >&2; cat "$work/proxy.log" >&2; exit 1; }
  sleep 0.2
done
for path in direct fallback open; do
  body=$(curl -fsS "http://127.0.0.1:$port/$path")
  case $body in *monolith*) ;; *) echo "fallback.sh: /$path did not reach the monolith: $body" >&2; exit 1 ;; esac
done

# wrk's latency distribution → microseconds
to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000000}}'; }
run() { # path seconds -> "p50 p99 rps errors"
  local out
  out=$(wrk -t1 -c"$conns" -d"$2"s --latency "http://127.0.0.1:$port/$1/x")
  local p50 p99 rps non2xx
  p50=$(echo "$out" | awk '$1=="50%"{print $2}' | to_us)
  p99=$(echo "$out" | awk '$1=="99%"{print $2}' | to_us)
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/{print $NF}')
  echo "$p50 $p99 $rps ${non2xx:-0}"
}

echo "fallback.sh: warm-up ${warm}s per route (JIT)" >&2
for path in direct fallback open; do run "$path" "$warm" >/dev/null; done
declare -A results
for r in $(seq 1 "$reps"); do
  for path in direct fallback open; do
    results[$path]+="$(run "$path" "$dur")"$'\n'
    echo "fallback.sh: rep $r /$path: $(echo "${results[$path]}" | tail -n 2 | head -n 1)" >&2
  done
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
col() { echo "${results[$1]}" | awk -v c="$2" 'NF{print $c}' | median; }
d50=$(col direct 1); d99=$(col direct 2)
echo
echo "fallback latency, $conns connections, ${dur}s x $reps reps, 1 proxy I/O thread (medians; µs)"
printf "%-10s %10s %10s %12s %12s %9s %9s %10s %8s\n" route p50 p99 "+p50" "+p99" "p50 x" "p99 x" req/s non-2xx
for path in direct fallback open; do
  p50=$(col "$path" 1); p99=$(col "$path" 2); rps=$(col "$path" 3); bad=$(col "$path" 4)
  awk -v n="$path" -v a="$p50" -v b="$p99" -v da="$d50" -v db="$d99" -v rps="$rps" -v bad="$bad" \
    'BEGIN {printf "%-10s %10.0f %10.0f %12.0f %12.0f %9.2f %9.2f %10.0f %8d\n", n, a, b, a-da, b-db, a/da, b/db, rps, bad}'
done
echo
echo "fallback counters (/metrics):"
curl -fsS "http://127.0.0.1:$admin_port/metrics" | grep '^strangler_proxy_fallbacks_total' | grep -v ' 0.0$' || true
