#!/usr/bin/env bash
# Payment submission on each database and instance count, in one run (printed figures, not a test):
# SQLite (one instance, synchronous=FULL), PostgreSQL with one instance, PostgreSQL with two instances behind nginx
# (round-robin), each on a fresh database with the same card holders; then the seeds' design (Flask) once.
#   bench/scaleout.sh               HOLDERS=64 DURATION=10s bench/scaleout.sh
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$repo/bench-out/scaleout}"
rm -rf "$OUT"; mkdir -p "$OUT"
run() { # name provider instances anchor
  echo "=== $1" >&2
  # Shown as it comes, also when load.sh fails (its database check, an app that did not start).
  OUT="$OUT/$1" PROVIDER=$2 INSTANCES=$3 ROWS=payments ANCHOR=$4 "$repo/bench/load.sh" | tee "$OUT/$1.txt"
}
run sqlite sqlite 1 none
run postgres-1 postgres 1 none
run postgres-2 postgres 2 "${ANCHOR:-$(dirname "$repo")/shared/bench/flask_anchor.sh}"
