#!/usr/bin/env bash
# Resilience figures (issue 16): the long versions of the resilience tests (100,000 fuzzed requests, 20 kill -9
# cycles, the database and model fault tests), then the soak (bench/load.sh with SOAK_MINUTES, default 30).
#   bench/resilience.sh      SOAK_MINUTES=5 bench/resilience.sh      SKIP_TESTS=1 (soak only)      SKIP_SOAK=1 (tests only)
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
OUT="${OUT:-$repo/bench-out/resilience}"
mkdir -p "$OUT"
if [ "${SKIP_TESTS:-0}" != 1 ]; then
  echo "== long resilience tests (their figures are in the test output)" >&2
  export FRAUDWEB_FUZZ_REQUESTS=${FRAUDWEB_FUZZ_REQUESTS:-100000}
  export FRAUDWEB_CRASH_CYCLES=${FRAUDWEB_CRASH_CYCLES:-20}
  dotnet build FraudDetection.sln -c Release -v q -nologo >&2
  dotnet test FraudWeb.Tests -c Release --no-build --filter "FullyQualifiedName~Resilience|FullyQualifiedName~ModelFault|FullyQualifiedName~RetrainingFailure" \
    --logger "console;verbosity=detailed" 2>&1 | tee "$OUT/tests.txt" | { grep -E "^\s*(Passed|Failed) |figures|cycles|requests|acknowledged|Total tests|Passed!|Failed!" || true; } \
    || { echo "the resilience tests failed; see $OUT/tests.txt" >&2; exit 1; }
  # (pipefail: the pipeline fails with the tests; a grep that found nothing is no failure.)
fi
[ "${SKIP_SOAK:-0}" = 1 ] && exit 0
echo "== soak" >&2
SOAK_MINUTES="${SOAK_MINUTES:-30}" ANCHOR=none OUT="$OUT/soak" HOLDERS="${HOLDERS:-16}" "$repo/bench/load.sh"
