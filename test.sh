#!/usr/bin/env bash
# Runs every test (domain, web, browser) on a fresh Debian machine and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} for the browser tests..." >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

mkdir -p artifacts
log=artifacts/test-output.txt
if ! dotnet build FraudDetection.sln -c Release 2>&1 | tee artifacts/build-output.txt | tail -n 3; then
  echo "Build failed; see artifacts/build-output.txt"
  echo "0 passed, 1 failed"
  exit 1
fi
if grep -q "Build FAILED" artifacts/build-output.txt || ! grep -q "0 Error(s)" artifacts/build-output.txt; then
  grep -E "error" artifacts/build-output.txt | sort -u | head -20
  echo "0 passed, 1 failed"
  exit 1
fi

rm -f artifacts/TestResults/results.trx
dotnet test FraudWeb.Tests/FraudWeb.Tests.csproj -c Release --no-build \
  --logger "console;verbosity=minimal" --logger "trx;LogFileName=results.trx" \
  --results-directory artifacts/TestResults "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

trx=artifacts/TestResults/results.trx
counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -n 1)
count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
passed=$(count passed); failed=$(count failed); total=$(count total); executed=$(count executed)
passed=${passed:-0}; failed=${failed:-0}; total=${total:-0}; executed=${executed:-0}
# Tests that did not run (skipped, aborted) count as failed: nothing may pass silently.
failed=$((failed + total - executed))
if [ -z "$counters" ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  failed=$((failed + 1))   # the test run itself crashed or aborted
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
