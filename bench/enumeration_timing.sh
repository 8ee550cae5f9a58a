#!/usr/bin/env bash
# Account enumeration by timing (printed figures, not a test): starts the built app as deployed (Production, a fresh
# data directory, SQLite in WAL mode with synchronous=FULL, plain HTTP behind a TLS proxy) and runs
# bench/enumeration_timing.py against it.
#   bench/enumeration_timing.sh                 N=400 CASES=register PORT=5801 bench/enumeration_timing.sh
#   APP=/path/to/another/clone bench/enumeration_timing.sh   runs that clone's build instead (before/after pairs)
# Rate limits stay in the request path but are raised through configuration (RateLimits:<Policy>:PerIp/PerAccount),
# as one client address plays every visitor. Build first (dotnet build FraudDetection.sln -c Release).
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
N="${N:-200}"
CASES="${CASES:-register,signin,reset,forgot}"
PORT="${PORT:-5800}"
PY="${PY:-/usr/bin/python3}"
APP="${APP:-$repo}"
dll="$APP/FraudWeb/bin/Release/net10.0/FraudWeb.dll"
data="$(mktemp -d)"
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
key() { "$PY" -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"; }
base="http://127.0.0.1:$PORT"
if curl -s -o /dev/null "$base/"; then echo "port $PORT is in use (another run?); set PORT" >&2; exit 1; fi
settings=(ASPNETCORE_ENVIRONMENT=Production FraudWeb__DataDirectory="$data" FraudWeb__PublicBaseUrl="https://127.0.0.1"
  AllowedHosts="127.0.0.1" Cards__FingerprintKey="$(key)" Models__SigningKey="$(key)")
limit=1000000000
for policy in SignIn PasswordReset; do settings+=("RateLimits__${policy}__PerIp=$limit" "RateLimits__${policy}__PerAccount=$limit"); done
settings+=("RateLimits__Register__PerIp=$limit")
echo "== start the app at $APP ($(git -C "$APP" rev-parse --short HEAD)) (Production, fresh data, first-start seeding and training)" >&2
env "${settings[@]}" dotnet "$dll" --contentRoot "$APP/FraudWeb" --urls "$base" >"$data/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 240); do
  curl -fs -o /dev/null "$base/healthz" && break
  kill -0 "$app_pid" 2>/dev/null || { echo "the app stopped:" >&2; tail -5 "$data/app.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs -o /dev/null "$base/healthz" || { echo "the app did not become healthy; see $data/app.log" >&2; tail -5 "$data/app.log" >&2; exit 1; }
"$PY" "$repo/bench/enumeration_timing.py" "$base" "$data" "$N" "$CASES"
