#!/usr/bin/env bash
# bench/mirror.sh — the cost of shadow mirroring: the strangler proxy with 100% GET mirroring vs
# the same proxy with mirroring off, interleaved in one run, wrk at c=50.
#
# Same backends as bench/proxy.sh (../shared/bench/conf/backend-nginx.conf: 127.0.0.1:9001 legacy,
# :9002 modern, 1 worker, 1024-byte JSON). Two proxies from cli/target/strangler.jar, each with ONE
# I/O thread, route "bench" = everything to legacy (weight 0):
#   on  127.0.0.1:8090 (admin 9920): shadow: {sampleRate: 1.0, methods: [GET]} → every request is
#       copied to modern after the response, ~10% ask legacy twice (noise learning, the default),
#       compared off the event loop, stored in a diff store (PostgreSQL 15 started here, as user
#       postgres, on 127.0.0.1:55439)
#   off 127.0.0.1:8091 (admin 9921): no shadow key
# The bodies differ in one field ("backend"), so every comparison finds a difference (worst case:
# evidence sampling and field counters are exercised too).
#
#   bench/mirror.sh                          # 3 reps x 10 s per proxy, 20 s warm-up each (~3 min)
#   MIRROR_BENCH_REPS=5 MIRROR_BENCH_SECONDS=15 bench/mirror.sh
#   MIRROR_BENCH_JFR=1 bench/mirror.sh       # also profile the mirroring proxy (JFR) and print hot frames
#   MIRROR_BENCH_BUILD=0 bench/mirror.sh     # reuse cli/target/strangler.jar
#   MIRROR_BENCH_IO_THREADS=1 bench/mirror.sh  # copies leave from a dedicated mirror thread (mirror.ioThreads)
#   MIRROR_BENCH_SAME_ANSWERS=1 bench/mirror.sh  # shadow answers byte-identical (copies go to the legacy nginx)
#   MIRROR_BENCH_JAR=/tmp/old.jar bench/mirror.sh  # another build (e.g. before a change), not rebuilt
#   MIRROR_BENCH_BASE_JAR=/tmp/old/cli/target/strangler.jar bench/mirror.sh
#       # also a third proxy (8090→8092, admin 9922) mirroring with that build, rotated into the same reps:
#       # before/after figures under the same load
#
# Two phases, each 3 x 10 s per proxy, rotated:
#   saturated: wrk as fast as it goes. Prints per run req/s, p99 and CPU per 1000 requests of the
#     proxy, nginx, PostgreSQL and wrk; medians; the ratios on/off: throughput (target >= 0.9) and
#     p99 (target <= 1.1); and the CEILING: what the throughput ratio could be on this machine if the
#     proxy's copies and comparisons cost nothing (the shadow nginx still serves each copy on the
#     same 2 cores).
#   paced: every connection waits between requests so both proxies are offered the same rate, by
#     default half the mirroring proxy's saturated median (MIRROR_BENCH_PACED_RPS=N to choose, 0 to
#     skip): the p99 ratio on/off when the machine has headroom.
# Then the mirror counters (sent, dropped, compared). Stops everything it
# started, by PID. Figures on a loaded 2-core machine are noisy: compare ratios of one run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/bench"
[ -d "$shared/conf" ] || shared="${STRANGLER_SHARED:-/work/shared}/bench"
[ -f "$shared/conf/backend-nginx.conf" ] || { echo "mirror.sh: cannot find ../shared/bench/conf (set STRANGLER_SHARED)" >&2; exit 1; }
for tool in wrk nginx curl python3 ss; do
  command -v "$tool" >/dev/null || { echo "mirror.sh: missing $tool (apt-get install -y wrk nginx-light curl)" >&2; exit 1; }
done
pgbin=${MIRROR_BENCH_PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$pgbin/initdb" ] || { echo "mirror.sh: no PostgreSQL binaries (apt-get install -y postgresql; or MIRROR_BENCH_PGBIN=dir)" >&2; exit 1; }

reps=${MIRROR_BENCH_REPS:-3}
dur=${MIRROR_BENCH_SECONDS:-10}
warm=${MIRROR_BENCH_WARMUP:-20}
conns=${MIRROR_BENCH_CONNECTIONS:-50}
pgport=55439
java_opts=${STRANGLER_BENCH_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled"}

base_jar=${MIRROR_BENCH_BASE_JAR:-}
which_all="on off"; [ -n "$base_jar" ] && which_all="on off base"
for p in 9001 9002 8090 8091 9920 9921 $pgport ${base_jar:+8092 9922}; do
  if ss -ltnH "sport = :$p" | grep -q .; then echo "mirror.sh: port $p is in use (needs 9001 9002 8090 8091 9920 9921 $pgport)" >&2; exit 1; fi
done

jar=${MIRROR_BENCH_JAR:-$root/cli/target/strangler.jar}
if [ -z "${MIRROR_BENCH_JAR:-}" ] && { [ "${MIRROR_BENCH_BUILD:-1}" = 1 ] || [ ! -f "$jar" ]; }; then
  echo "mirror.sh: building (mvn -B -q -DskipTests package)" >&2
  (cd "$root" && mvn -B -q -DskipTests package)
fi

work=$(mktemp -d /tmp/strangler-mirror-bench.XXXXXX)
chmod 755 "$work"
pids=()
pg_started=0
cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    alive=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  if [ $pg_started = 1 ]; then as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1; pg_started=0; fi
  if [ -f "$work/on.jfr" ]; then mv "$work/on.jfr" "/tmp/strangler-mirror-bench.jfr"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== backend nginx (shared conf), PostgreSQL diff store, two proxies (runtime files: $work)"
mkdir -p "$work/backend/logs" "$work/backend/tmp"
nginx -p "$work/backend" -e "$work/backend/logs/error.log" -c "$shared/conf/backend-nginx.conf" >"$work/backend/stdout.log" 2>&1 &
pids+=($!)

mkdir -p "$work/pg" "$work/pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" "$work/pgsock"
as_pg "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 >"$work/initdb.log" 2>&1
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $pgport -k $work/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
pg_started=1
jdbc="jdbc:postgresql://127.0.0.1:$pgport/postgres?user=postgres"

# MIRROR_BENCH_SAME_ANSWERS=1: the shadow is the legacy nginx too, so answers are byte-identical
# (the steady state of a finished migration; the comparator skips parsing) instead of one field apart.
modern_port=9002; [ "${MIRROR_BENCH_SAME_ANSWERS:-0}" = 1 ] && modern_port=9001
head -c 32 /dev/urandom | base64 > "$work/hmac-key"
write_config() {  # write_config NAME PORT ADMIN SHADOW(yes|no)
  {
    echo "listen: 127.0.0.1:$2"
    echo "threads: ${STRANGLER_BENCH_THREADS:-1}"
    echo "admin: { listen: 127.0.0.1:$3 }"
    echo "backends: { legacy: http://127.0.0.1:9001, modern: http://127.0.0.1:$modern_port }"
    echo "routes:"
    echo "  - id: bench"
    echo "    match: { pathPrefix: / }"
    echo "    legacy: legacy"
    echo "    target: modern"
    echo "    weightBps: 0"
    if [ "$4" = yes ]; then
      echo "    shadow: { sampleRate: 1.0, methods: [GET] }"
      echo "shadowStore: { jdbcUrl: \"$jdbc\" }"
      echo "shadowHmacKey: \${file:hmac-key}"
      echo "mirror: { ioThreads: ${MIRROR_BENCH_IO_THREADS:-0} }"
    fi
    echo "limits: { idleTimeout: 300s, maxIdlePerBackend: 256 }"
    echo "state: { dir: state-$1 }"
  } > "$work/$1.yaml"
}
write_config on 8090 9920 yes
write_config off 8091 9921 no
[ -n "$base_jar" ] && write_config base 8092 9922 yes

jfr=()
if [ "${MIRROR_BENCH_JFR:-0}" = 1 ]; then
  jfr=("-XX:StartFlightRecording=filename=$work/on.jfr,settings=profile,dumponexit=true")
fi
# shellcheck disable=SC2086
java $java_opts "${jfr[@]}" -jar "$jar" proxy --config "$work/on.yaml" >"$work/on.log" 2>&1 &
on_pid=$!; pids+=($on_pid)
# shellcheck disable=SC2086
java $java_opts -jar "$jar" proxy --config "$work/off.yaml" >"$work/off.log" 2>&1 &
off_pid=$!; pids+=($off_pid)
base_pid=
if [ -n "$base_jar" ]; then
  # shellcheck disable=SC2086
  java $java_opts -jar "$base_jar" proxy --config "$work/base.yaml" >"$work/base.log" 2>&1 &
  base_pid=$!; pids+=($base_pid)
fi
for admin in 9920 9921 ${base_jar:+9922}; do
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "http://127.0.0.1:$admin/readyz" >/dev/null || { echo "mirror.sh: proxy on admin $admin not ready; logs:" >&2; tail -n 20 "$work"/*.log >&2; exit 1; }
done
curl -fsS -o /dev/null http://127.0.0.1:9001/ || { echo "mirror.sh: backend nginx not answering" >&2; exit 1; }

echo "== warm-up ${warm}s each (JIT), then $reps x ${dur}s per proxy, interleaved, wrk -t1 -c$conns; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for port in 8090 8091 ${base_jar:+8092}; do
  wrk -t1 -c"$conns" -d"${warm}s" "http://127.0.0.1:$port/" >/dev/null
done
# CPU time (user+system, /proc) each process spent during a run, in ms per 1000 client requests: shows
# where the copy's cost lands (proxy, shadow backend nginx, PostgreSQL) independently of how the 2
# cores were shared. nginx and PostgreSQL include their worker/backend processes.
hz=$(getconf CLK_TCK)
nginx_master=${pids[0]}
pg_master=$(head -1 "$work/pg/postmaster.pid")
ticks() { # ticks PID... -> summed utime+stime of those alive
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo $t
}
family() { echo "$1 $(pgrep -P "$1" | tr '\n' ' ')"; }
measure() { # measure RUNS_FILE LUA_SCRIPT: reps x dur s per proxy, rotated, one line per run into RUNS_FILE
  local out=$1 lua=$2 rep k order which port proxy_pid ng pgf line n wrk_s cpu
  : > "$out"
  for rep in $(seq 1 "$reps"); do
    # rotate the order so no proxy always runs first (or right after the same neighbour)
    read -r -a all <<<"$which_all"; k=$(( (rep - 1) % ${#all[@]} ))
    order="${all[*]:k} ${all[*]:0:k}"
    for which in $order; do
      port=8090; [ "$which" = off ] && port=8091; [ "$which" = base ] && port=8092
      proxy_pid=$on_pid; [ "$which" = off ] && proxy_pid=$off_pid; [ "$which" = base ] && proxy_pid=$base_pid
      ng=$(family "$nginx_master"); pgf=$(family "$pg_master")
      # shellcheck disable=SC2086
      c0=("$(ticks $proxy_pid)" "$(ticks $ng)" "$(ticks $pgf)")
      # wrk's own CPU (user+sys, from bash's time) counts too: it shares the 2 cores.
      line=$( { TIMEFORMAT='WRKCPU %U %S'; time wrk -t1 -c"$conns" -d"${dur}s" --latency -s "$lua" "http://127.0.0.1:$port/"; } 2>&1 \
        | grep -E '^(WRKRESULT|WRKCPU)' | tr '\n' ' ')
      # shellcheck disable=SC2086
      c1=("$(ticks $proxy_pid)" "$(ticks $ng)" "$(ticks $pgf)")
      n=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
      wrk_s=$(sed 's/.*WRKCPU \([0-9.]*\) \([0-9.]*\).*/\1 \2/' <<<"$line")
      # shellcheck disable=SC2086
      cpu=$(python3 -c "import sys; hz,n=int(sys.argv[1]),max(1,int(sys.argv[2])); d=[int(b)-int(a) for a,b in zip(sys.argv[3:6],sys.argv[6:9])]; w=float(sys.argv[9])+float(sys.argv[10]); print('cpu_proxy=%.1f cpu_nginx=%.1f cpu_pg=%.1f' % tuple(1000*1000*x/hz/n for x in d) + ' cpu_wrk=%.1f' % (1000*1000*w/n))" \
        "$hz" "$n" "${c0[@]}" "${c1[@]}" $wrk_s)
      line=${line%% WRKCPU*}
      echo "$which $line $cpu" >> "$out"
      echo "   rep $rep $which: $(sed 's/.*rps=\([0-9.]*\).*p99_us=\([0-9]*\).*/\1 req\/s, p99 \2 µs/' <<<"$line")  CPU ms/1000 req: ${cpu//cpu_/}  load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
}

summarise() { # summarise RUNS_FILE MODE(saturated|paced): medians, ratios, and for saturated runs the machine's ceiling
  python3 - "$1" "$2" <<'PY'
import re, statistics, sys
mode = sys.argv[2]
runs = {"on": [], "off": [], "base": []}
for line in open(sys.argv[1]):
    which, rest = line.split(" ", 1)
    kv = dict(re.findall(r"(\w+)=([0-9.]+)", rest))
    runs[which].append((float(kv["rps"]), float(kv["p99_us"]), int(kv["err_connect"]) + int(kv["err_read"]) + int(kv["err_status"]) + int(kv["err_timeout"]),
                        tuple(float(kv[k]) for k in ("cpu_proxy", "cpu_nginx", "cpu_pg", "cpu_wrk"))))
med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v), sum(r[2] for r in v)) for k, v in runs.items() if v}
cpu = {k: [statistics.median(r[3][i] for r in v) for i in range(4)] for k, v in runs.items() if v}
for k in [k for k in ("off", "on", "base") if runs[k]]:
    rps = [r[0] for r in runs[k]]
    c = cpu[k]
    print(f"   {k:3}  median {med[k][0]:9.0f} req/s (min {min(rps):.0f}, max {max(rps):.0f})  p99 {med[k][1]:7.0f} µs  errors {med[k][2]}"
          f"  CPU ms per 1000 requests: proxy {c[0]:.0f}, nginx {c[1]:.0f}, postgres {c[2]:.0f}, wrk {c[3]:.0f} (all {sum(c):.0f})")
tr = med["on"][0] / med["off"][0]
pr = med["on"][1] / med["off"][1]
if mode == "paced":
    print(f"== paced: offered the same rate to both; achieved on/off {tr:.2f}; p99 ratio on/off {pr:.2f}")
    sys.exit(0)
print(f"== throughput ratio on/off {tr:.2f} (target >= 0.9: {'met' if tr >= 0.9 else 'NOT met'})")
print(f"== p99 ratio on/off {pr:.2f} (target <= 1.1: {'met' if pr <= 1.1 else 'NOT met'})")
if runs["base"]:
    print(f"== base build, same runs: throughput ratio base/off {med['base'][0] / med['off'][0]:.2f}, p99 ratio base/off {med['base'][1] / med['off'][1]:.2f}")
# Saturated closed loop: throughput ~ 2 cores / CPU per request of everything on the machine. With
# mirroring, the shadow backend serves one more request per client request (what nginx costs per
# request in the off runs), even if the proxy's copy and comparison cost nothing: that bounds the
# ratio any proxy can reach on this machine.
off = cpu["off"]
ceiling = sum(off) / (sum(off) + off[1])
print(f"== ceiling on this machine: the shadow's own {off[1]:.0f} ms per 1000 copies on the same 2 cores limits the throughput ratio to"
      f" {ceiling:.2f} for ANY proxy (free copies and comparisons); the proxy's own mirroring cost here: {cpu['on'][0] - off[0]:.0f} ms per 1000 copies")
PY
}

lua_saturated="$shared/lib/report.lua"
echo "== saturated: wrk -c$conns as fast as the machine goes"
measure "$work/runs.txt" "$lua_saturated"
summarise "$work/runs.txt" saturated

# Paced: every connection waits between requests so that the offered rate is the same for both
# proxies and well under what the mirroring one sustains: does mirroring hurt clients' latency when
# the machine has headroom (as it must in production)? Default: half the mirroring proxy's median.
paced=${MIRROR_BENCH_PACED_RPS:-$(python3 -c "import re,statistics,sys; print(int(statistics.median(float(re.search(r'rps=([0-9.]+)',l).group(1)) for l in open(sys.argv[1]) if l.startswith('on '))/2))" "$work/runs.txt")}
if [ "$paced" -gt 0 ]; then
  delay_ms=$(( conns * 1000 / paced ))
  # a random wait around the mean, so the connections do not fall into step and arrive in bursts
  { echo "dofile(\"$shared/lib/report.lua\")"; echo "delay = function() return math.random(0, $((2 * delay_ms))) end"; } > "$work/paced.lua"
  echo "== paced: ~$paced req/s offered (each of $conns connections waits 0..$((2 * delay_ms)) ms, mean $delay_ms ms, between requests)"
  measure "$work/paced.txt" "$work/paced.lua"
  summarise "$work/paced.txt" paced
fi

m=$(curl -fsS http://127.0.0.1:9920/metrics)
val() { grep -E "^$1" <<<"$m" | awk '{s+=$NF} END {printf "%.0f", s}'; }
echo "== mirroring proxy: sent $(val 'strangler_proxy_mirror_requests_total'), responded $(val 'strangler_proxy_mirror_requests_total\{.*outcome="responded"'), timeouts $(val 'strangler_proxy_mirror_requests_total\{.*outcome="timeout"'), dropped (queue full) $(val 'strangler_proxy_mirror_drops_total\{.*reason="queue_full"'), compared $(val 'strangler_shadow_comparisons_total'), comparator drops $(val 'strangler_shadow_drops_total\{stage="queue"'), store drops $(val 'strangler_shadow_drops_total\{stage="store"')"
if [ -n "$base_jar" ]; then
  m=$(curl -fsS http://127.0.0.1:9922/metrics)
  echo "== base build's mirroring proxy: sent $(val 'strangler_proxy_mirror_requests_total'), dropped (queue full) $(val 'strangler_proxy_mirror_drops_total\{.*reason="queue_full"'), compared $(val 'strangler_shadow_comparisons_total'), comparator drops $(val 'strangler_shadow_drops_total\{stage="queue"')"
fi
echo "== load average now: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared with wrk, nginx, PostgreSQL and other work: figures are noisy)"

if [ "${MIRROR_BENCH_JFR:-0}" = 1 ]; then
  kill -TERM "$on_pid"; for _ in $(seq 1 50); do kill -0 "$on_pid" 2>/dev/null || break; sleep 0.2; done
  if [ -f "$work/on.jfr" ]; then
    echo "== JFR hot frames of the mirroring proxy (top of stack, execution samples):"
    jfr print --events jdk.ExecutionSample "$work/on.jfr" | awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); c[$0]++; n++} END {for (k in c) printf "%6.1f%%  %s\n", 100*c[k]/n, k}' | sort -rn | head -25
    echo "   by thread:"
    jfr print --events jdk.ExecutionSample "$work/on.jfr" | grep -o 'sampledThread = "[^"]*"' | sed 's/[0-9]*"$/"/' | sort | uniq -c | sort -rn | head -8
    echo "   recording kept: /tmp/strangler-mirror-bench.jfr"
  fi
fi
