#!/usr/bin/env bash
# Validation folds (bench/make_folds.py) x training settings x feature sets with our learner; prints mean AUC/AP/CP@100.
#   bench/tune.sh FOLDS_DIR "94 101 108" "opts1" "opts2" ...
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
folds_dir=$1; folds=$2; shift 2
fw() { dotnet "$repo/FraudWeb/bin/Release/net10.0/FraudWeb.dll" "$@"; }
extras="customer_amount_ratio_30day,customer_avg_amount_1day_to_30day,customer_avg_amount_7day_to_30day"
declare -A sets=(
  [baseline]="customer_id,day,$extras"
  [all]="customer_id,day"
)
for opts in "$@"; do
  for set in ${SETS:-baseline all}; do
    res=""
    for f in $folds; do
      # Quiet while it works; the CLI's one-line error is shown when a setting or a fold is wrong.
      if ! err=$(fw train --table "$folds_dir/fold$f/train.csv" --label tx_fraud --ignore "${sets[$set]}" --threads 2 --out "$folds_dir/m.bin" $opts 2>&1 >/dev/null); then
        echo "tune: train failed on fold $f with '$opts': $err" >&2; exit 1
      fi
      res+=$(fw evaluate --model "$folds_dir/m.bin" --table "$folds_dir/fold$f/test.csv" --label tx_fraud)$'\n'
    done
    /usr/bin/python3 "$repo/bench/summarize_folds.py" "$opts" "$set" <<<"$res"
  done
done
