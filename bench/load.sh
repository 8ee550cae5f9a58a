#!/usr/bin/env bash
# Load benchmark (printed figures, not a test): the payment path (payment form and JSON API), the profile page, the
# payment form and a payment's result page under wrk at 4 and 64 connections, beside the seeds' design (Flask + joblib + SQLite,
# ../shared/bench/flask_anchor.sh) measured in the same run; then a database check (every acknowledged payment stored, every balance equal to its charges).
#   bench/load.sh                   HOLDERS=64 DURATION=10s PORT=18090 bench/load.sh
#   HOLD=1 bench/load.sh            sets up, then keeps the app running for a profiler (dotnet-trace, dotnet-counters)
#   PROVIDER=postgres INSTANCES=2 bench/load.sh   on a throwaway PostgreSQL cluster (its defaults: fsync and
#                                   synchronous_commit on), one or two instances (two: behind nginx, round-robin)
#   ROWS=payments ANCHOR=none bench/load.sh        only the payment rows, no anchor (bench/scaleout.sh runs these)
#   SOAK_MINUTES=30 bench/load.sh                  the soak instead of the rows: steady paced load, RSS/fds/p99 per window
# The app runs as deployed: Production, a fresh data directory, plain HTTP behind a TLS proxy (the requests carry
# X-Forwarded-Proto: https from loopback, a trusted proxy), SQLite in WAL mode with synchronous=FULL.
# Rate limits stay in the request path but are raised through configuration (RateLimits:<Policy>:PerIp/PerAccount),
# as one client address plays 64 card holders.
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
HOLDERS="${HOLDERS:-64}"
DURATION="${DURATION:-10s}"
PORT="${PORT:-18090}"
PY="${PY:-/usr/bin/python3}"
ANCHOR="${ANCHOR:-$(dirname "$repo")/shared/bench/flask_anchor.sh}"
OUT="${OUT:-$repo/bench-out/load}"
PROVIDER="${PROVIDER:-sqlite}"
INSTANCES="${INSTANCES:-1}"
ROWS="${ROWS:-all}"
rm -rf "$OUT"; mkdir -p "$OUT"
data="$(mktemp -d)"
app_pid=""; app2_pid=""; nginx_pid=""; floor_pid=""; pg_dir=""; started=()
cleanup() {
  # Every app started, also one that never became healthy (start_app exits before its caller keeps the pid).
  for pid in "${started[@]}" "$nginx_pid" "$floor_pid"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$pg_dir" ] && "$repo/scripts/postgres-cluster.sh" stop "$pg_dir"
  rm -rf "$data"
}
trap cleanup EXIT

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ "$PROVIDER" = postgres ]; then ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql postgresql-client); fi
if [ "$INSTANCES" -gt 1 ]; then [ -x /usr/sbin/nginx ] || need+=(nginx); fi
if [ -f "$ANCHOR" ]; then
  "$PY" -c "import flask, sklearn, pandas, joblib" 2>/dev/null || need+=(python3-flask python3-sklearn python3-pandas python3-joblib)
  "$PY" -m gunicorn --version >/dev/null 2>&1 || need+=(gunicorn)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]} (Debian)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

echo "== build" >&2
dotnet build FraudWeb/FraudWeb.csproj -c Release -v q -nologo >&2
dotnet build bench/floor/Floor.csproj -c Release -v q -nologo >&2
dll="$repo/FraudWeb/bin/Release/net10.0/FraudWeb.dll"
key() { "$PY" -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"; }

base="http://127.0.0.1:$PORT"
if curl -s -o /dev/null "$base/"; then echo "port $PORT is in use (another run?); set PORT" >&2; exit 1; fi
settings=(ASPNETCORE_ENVIRONMENT=Production FraudWeb__DataDirectory="$data" FraudWeb__PublicBaseUrl="https://127.0.0.1"
  AllowedHosts="127.0.0.1" Cards__FingerprintKey="$(key)" Models__SigningKey="$(key)")
limit=1000000000
for policy in Payment SignIn AddCard Api; do settings+=("RateLimits__${policy}__PerIp=$limit" "RateLimits__${policy}__PerAccount=$limit"); done
settings+=("RateLimits__Register__PerIp=$limit")
pg=""
if [ "$PROVIDER" = postgres ]; then
  pg_dir="$(mktemp -d /tmp/fraudweb-bench-pg.XXXXXX)"
  # The server's defaults (fsync, synchronous_commit on), more connections for two instances' pools.
  server=$("$repo/scripts/postgres-cluster.sh" start "$pg_dir" -c max_connections=300)
  pg="$server;Database=postgres"
  settings+=(Database__Provider=Postgres "Database__ConnectionString=$pg")
fi
start_app() { # port log
  env "${settings[@]}" dotnet "$dll" --contentRoot "$repo/FraudWeb" --urls "http://127.0.0.1:$1" >"$2" 2>&1 &
  last_pid=$!; started+=("$last_pid")
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    kill -0 "$last_pid" 2>/dev/null || { echo "the app stopped; see $2" >&2; tail -5 "$2" >&2; exit 1; }
    sleep 0.5
  done
  echo "the app did not become healthy; see $2" >&2; exit 1
}
echo "== start the app ($PROVIDER, $INSTANCES instance(s), Production, fresh data, first-start seeding and training)" >&2
if [ "$INSTANCES" -gt 1 ]; then
  # Both instances use one data directory only so the registration mail of either is found; all state they share
  # is in the database.
  start_app $((PORT + 1)) "$OUT/app.log"; app_pid=$last_pid
  start_app $((PORT + 2)) "$OUT/app2.log"; app2_pid=$last_pid
  mkdir -p "$data/nginx" && chmod 777 "$data/nginx"
  cat >"$data/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $data/nginx/nginx.pid;
error_log $data/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $data/nginx/body; proxy_temp_path $data/nginx/proxy; fastcgi_temp_path $data/nginx/fcgi;
  uwsgi_temp_path $data/nginx/uwsgi; scgi_temp_path $data/nginx/scgi;
  upstream fraudweb { server 127.0.0.1:$((PORT + 1)); server 127.0.0.1:$((PORT + 2)); keepalive 128; }
  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://fraudweb; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-Proto \$http_x_forwarded_proto;
    }
  }
}
NGINX
  /usr/sbin/nginx -p "$data/nginx" -c "$data/nginx/nginx.conf" >"$OUT/nginx.log" 2>&1 &
  nginx_pid=$!
  sleep 1
else
  start_app "$PORT" "$OUT/app.log"; app_pid=$last_pid
fi

echo "== $HOLDERS card holders (and their API keys) through the forms" >&2
"$PY" "$repo/bench/load_setup.py" holders "$base" "$data" "$HOLDERS" "$OUT" >&2
if [ "${HOLD:-0}" = 1 ]; then
  echo "app pid $app_pid at $base; e.g. wrk -t2 -c64 -d10s --latency -s $OUT/pay.lua $base (or api_pay.lua); Ctrl-C stops it" >&2
  wait "$app_pid"
fi

if [ -n "${SOAK_MINUTES:-}" ]; then
  # Soak (issue 16): a steady moderate load for SOAK_MINUTES, in windows of SOAK_WINDOW seconds: API payments and
  # profile reads on 2 connections each, every connection pausing SOAK_DELAY_MS between requests (wrk's delay()).
  # After each window: the app's RSS, open file descriptors and threads, and each scenario's p99 and errors.
  window="${SOAK_WINDOW:-60}"; pause="${SOAK_DELAY_MS:-10}"
  for script in api_pay profile; do
    printf 'dofile("%s")\nfunction delay() return %s end\n' "$OUT/$script.lua" "$pause" >"$OUT/soak_$script.lua"
  done
  soak="$OUT/soak.tsv"; : >"$soak"
  windows=$(( (SOAK_MINUTES * 60 + window - 1) / window ))
  echo "== soak: $SOAK_MINUTES min, $windows windows of ${window}s, ${pause} ms pauses" >&2
  for i in $(seq 1 "$windows"); do
    wrk -t1 -c2 -d"${window}s" --latency -s "$OUT/soak_api_pay.lua" "$base" >"$OUT/soak-api-$i.txt" & w1=$!
    wrk -t1 -c2 -d"${window}s" --latency -s "$OUT/soak_profile.lua" "$base" >"$OUT/soak-profile-$i.txt" & w2=$!
    wait "$w1" "$w2"
    kill -0 "$app_pid" 2>/dev/null || { echo "the app died during the soak; see $OUT/app.log" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\n' "$i" "$(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status")" \
      "$(ls "/proc/$app_pid/fd" | wc -l)" "$(awk '/Threads/ {print $2}' "/proc/$app_pid/status")" >>"$soak"
    echo "   window $i/$windows done" >&2
  done
  errors=$(grep -ciE '^(fail|crit):|"LogLevel":"(Error|Critical)"' "$OUT/app.log" || true)
  "$PY" - "$OUT" "$soak" "$window" "$errors" <<'PYEOF'
import re, sys
out, soak, window, log_errors = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
def parse(path):
    text = open(path).read()
    status = re.search(r"STATUS ok=(\d+) refused=(\d+) other=(\d+)", text)
    non = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return dict(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
                p99=ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)),
                other=int(status.group(3)) if status else (int(non.group(1)) if non else 0),
                socket=sum(map(int, sock.groups())) if sock else 0)
rows = []
print(f"\nSoak: {window}s windows (API payments and profile reads, 2 connections each, paced)")
print(f"{'window':>6s} {'RSS MiB':>8s} {'fds':>5s} {'threads':>7s} {'pay/s':>7s} {'pay p99':>8s} {'read/s':>7s} {'read p99':>8s} {'errors':>6s}")
for line in open(soak):
    i, rss, fds, threads = line.split()
    api, profile = parse(f"{out}/soak-api-{i}.txt"), parse(f"{out}/soak-profile-{i}.txt")
    errors = api["other"] + api["socket"] + profile["other"] + profile["socket"]
    rows.append((int(rss) / 1024, int(fds), int(threads), api["p99"], profile["p99"], errors))
    print(f"{i:>6s} {int(rss)/1024:8.0f} {fds:>5s} {threads:>7s} {api['rps']:7.0f} {api['p99']:8.2f} {profile['rps']:7.0f} {profile['p99']:8.2f} {errors:6d}")
half = max(1, len(rows) // 2)
first, second = rows[:half], rows[half:] or rows[:half]
mean = lambda xs: sum(xs) / len(xs)
print(f"RSS: first window {rows[0][0]:.0f} MiB, first half mean {mean([r[0] for r in first]):.0f}, second half mean {mean([r[0] for r in second]):.0f}, last {rows[-1][0]:.0f}, max {max(r[0] for r in rows):.0f}")
print(f"file descriptors: first {rows[0][1]}, last {rows[-1][1]}, max {max(r[1] for r in rows)}; threads: first {rows[0][2]}, last {rows[-1][2]}")
print(f"p99 payments: first half mean {mean([r[3] for r in first]):.2f} ms, second half {mean([r[3] for r in second]):.2f} ms; reads: {mean([r[4] for r in first]):.2f} / {mean([r[4] for r in second]):.2f} ms")
print(f"request errors (5xx/other statuses/socket): {sum(r[5] for r in rows)}; errors in the app's log: {log_errors}")
PYEOF
  exit 0
fi

results="$OUT/results.tsv"
: >"$results"
run() { # name script connections
  local name=$1 script=$2 c=$3 file="$OUT/$1-c$3.txt"
  wrk -t2 -c"$c" -d"$DURATION" --latency -s "$OUT/$script" "$base" >"$file"
  printf '%s\t%s\t%s\n' "$name" "$c" "$file" >>"$results"
}
for c in 4 64; do
  echo "== payments, $c connections" >&2; run payment pay.lua "$c"
done
for c in 4 64; do
  echo "== API payments, $c connections" >&2; run api-payment api_pay.lua "$c"
done
for c in 4 64; do
  [ "$ROWS" = payments ] && break
  echo "== profile page, $c connections" >&2; run profile profile.lua "$c"
  echo "== payment form, $c connections" >&2; run form form.lua "$c"
  echo "== result page, $c connections" >&2; run result result.lua "$c"
done
rss_kib=0  # both instances' when there are two
for pid in $app_pid $app2_pid; do rss_kib=$((rss_kib + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status"))); done

# The platform's floor in the same run (bench/floor: the form's POST answered by an empty MVC action behind cookie
# authentication and antiforgery): what ASP.NET Core alone serves on this machine now, beside which FraudWeb's
# payment figures read as its own cost.
echo "== the platform's floor (bench/floor), 64 connections" >&2
floor_port=$((PORT + 6))
dotnet "$repo/bench/floor/bin/Release/net10.0/Floor.dll" --urls "http://127.0.0.1:$floor_port" >"$OUT/floor.log" 2>&1 &
floor_pid=$!
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$floor_port/" && break; sleep 0.5; done
"$PY" "$repo/bench/load_setup.py" floor "http://127.0.0.1:$floor_port" "$HOLDERS" "$OUT" >&2
# Warmed first, as FraudWeb is by the runs before (its tiered JIT would otherwise be measured).
wrk -t2 -c64 -d"$DURATION" -s "$OUT/floor.lua" "http://127.0.0.1:$floor_port" >/dev/null
wrk -t2 -c64 -d"$DURATION" --latency -s "$OUT/floor.lua" "http://127.0.0.1:$floor_port" >"$OUT/floor-c64.txt"
kill "$floor_pid" 2>/dev/null || true; wait "$floor_pid" 2>/dev/null || true; floor_pid=""
printf 'floor\t64\t%s\n' "$OUT/floor-c64.txt" >>"$results"

anchor_out="$OUT/anchor.txt"
if [ "$ANCHOR" = none ]; then
  : >"$anchor_out"
elif [ -f "$ANCHOR" ]; then
  echo "== the seeds' design (Flask + joblib + SQLite, 2 gunicorn workers), same run" >&2
  # Its model takes the 15 handbook features: the first 15 columns of our feature table, with the label.
  dotnet "$dll" simulate --out "$OUT/raw.csv" --customers 500 --terminals 1000 --days 60 --seed 1 >/dev/null
  dotnet "$dll" features --transactions "$OUT/raw.csv" --out "$OUT/features.csv" >/dev/null
  cut -d, -f1-15,19 "$OUT/features.csv" >"$OUT/anchor-table.csv"
  bash "$ANCHOR" "$OUT/anchor-table.csv" >"$anchor_out" 2>&1 || echo "anchor failed; see $anchor_out" >&2
else
  echo "anchor script not found at $ANCHOR (set ANCHOR): no ratio printed" >&2
  : >"$anchor_out"
fi

"$PY" - "$results" "$anchor_out" "$rss_kib" "$HOLDERS" "$DURATION" "$PROVIDER" "$INSTANCES" <<'PYEOF'
import re, sys
results, anchor_out, rss_kib, holders, duration, provider, instances = sys.argv[1:8]

def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

def parse(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    non = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    status = re.search(r"STATUS ok=(\d+) refused=(\d+) other=(\d+)", text)
    reason = re.search(r"REFUSED (.*)", text)
    other = re.search(r"OTHER status (\d+)", text)
    return dict(reason=reason.group(1) if reason else "", other_status=other.group(1) if other else "", rps=rps, p50=p50, p99=p99, non=int(non.group(1)) if non else 0,
                socket=errors.group(0) if errors else "", status=tuple(map(int, status.groups())) if status else None)

anchor = {}
text = open(anchor_out).read()
for c, block in re.findall(r"connections (\d+):\n(.*?)(?=connections \d+:|\Z)", text, re.S):
    try: anchor[int(c)] = parse(block)
    except AttributeError: pass

print()
database = "SQLite WAL synchronous=FULL" if provider == "sqlite" else "PostgreSQL defaults (fsync, synchronous_commit on)"
print(f"Load benchmark: {holders} card holders, wrk -t2, {duration} per run, Production, {database}, {instances} instance(s)")
print(f"{'run':28s} {'conns':>5s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'non-2xx/3xx':>11s} {'x anchor':>9s}")
acknowledged = {"payment": 0, "api-payment": 0}
for line in open(results):
    name, c, file = line.rstrip("\n").split("\t")
    r = parse(open(file).read()); c = int(c)
    ratio = f"{r['rps'] / anchor[c]['rps']:.2f}" if name in acknowledged and c in anchor else ""
    print(f"{name:28s} {c:5d} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['non']:11d} {ratio:>9s}")
    if r["socket"]: print(f"{'':28s} {r['socket']}")
    if name in acknowledged and r["status"]:
        ok, refused, other = r["status"]; acknowledged[name] += ok
        if name == "payment":
            print(f"{'':28s} payments: {ok} recorded (302), {refused} refused on the form (200), {other} other statuses")
        else:
            print(f"{'':28s} payments: {ok} recorded (201), {refused} refused (422/409), {other} other statuses")
        if r["reason"]: print(f"{'':28s} a refusal said: {r['reason']}")
        if r["other_status"]: print(f"{'':28s} an other status was: {r['other_status']}")
for c, a in sorted(anchor.items()):
    print(f"{'anchor: Flask POST /predict':28s} {c:5d} {a['rps']:9.0f} {a['p50']:8.2f} {a['p99']:8.2f} {a['non']:11d}")
floor = {}
for line in open(results):
    name, c, file = line.rstrip("\n").split("\t")
    if name in ("floor", "payment", "api-payment") and int(c) == 64: floor[name] = parse(open(file).read())["rps"]
if "floor" in floor:
    print(f"platform floor (bench/floor: empty MVC action, cookie authentication, antiforgery) at 64 connections: {floor['floor']:.0f} req/s;"
          f" payments at {100 * floor.get('payment', 0) / floor['floor']:.0f}% of it, API payments at {100 * floor.get('api-payment', 0) / floor['floor']:.0f}%")
print(f"app RSS at the end: {int(rss_kib) / 1024:.0f} MiB")
open(results + ".acknowledged", "w").write(f"{acknowledged['payment']} {acknowledged['api-payment']}\n")
PYEOF

# Form (302) and API (201) acknowledgements, checked against the payments stored.
read -r ack_form ack_api <"$results.acknowledged"
PG="$pg" "$PY" "$repo/bench/load_setup.py" check "$data" "$OUT" "$ack_form" "$ack_api"
