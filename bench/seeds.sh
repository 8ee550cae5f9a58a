#!/usr/bin/env bash
# Detection quality over several independent simulations (seeds), with paired bootstrap confidence intervals:
# one seed's test week holds ~400 frauds, so a model's AUC moves by about +-0.01 from one seed to another.
#   bench/seeds.sh                    seeds 1-8
#   SEEDS="1 2 3" BOOT=200 bench/seeds.sh
#   REUSE=1 bench/seeds.sh            keep OUT/seedN's simulation and anchor results, retrain and rescore ours only
#   PREVIOUS_DLL=/path/FraudWeb.dll   also score each seed with an earlier build (its train/evaluate verbs) and print
#                                     ours - previous with paired bootstrap intervals
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
ANCHORS="${ANCHORS:-$(dirname "$repo")/shared/bench/anchors.py}"
PY="${PY:-/usr/bin/python3}"
SEEDS="${SEEDS:-1 2 3 4 5 6 7 8}"
THREADS="${THREADS:-2}"
TRAIN_START="${TRAIN_START:-115}"
BOOT="${BOOT:-200}"
OUT="${OUT:-$repo/bench-out/seeds}"
[ -f "$ANCHORS" ] || { echo "anchors.py not found at $ANCHORS (set ANCHORS)" >&2; exit 2; }

dotnet build FraudWeb/FraudWeb.csproj -c Release -v q -nologo >&2
fw() { dotnet "$repo/FraudWeb/bin/Release/net10.0/FraudWeb.dll" "$@"; }

for seed in $SEEDS; do
  d="$OUT/seed$seed"
  mkdir -p "$d/anchors"
  echo "== seed $seed" >&2
  if [ "${REUSE:-0}" != 1 ] || [ ! -s "$d/anchors-quality.json" ]; then
    fw simulate --out "$d/raw.csv" --customers 5000 --terminals 10000 --days 183 --start 2018-04-01 --seed "$seed" > "$d/simulate.json"
    "$PY" "$ANCHORS" quality "$d/raw.csv" --train-start "$TRAIN_START" --features-out "$d/anchors" > "$d/anchors-quality.json"
    rm -f "$d/anchors/all.csv"
  fi
  fw train --transactions "$d/raw.csv" --train-start "$TRAIN_START" --threads "$THREADS" --out "$d/model.bin" > "$d/ours-train.json"
  fw evaluate --model "$d/model.bin" --transactions "$d/raw.csv" --train-start "$TRAIN_START" --scores-out "$d/ours-scores.csv" > "$d/ours-quality.json"
  "$PY" "$repo/bench/auc_split.py" "$d/raw.csv" "$d/ours-scores.csv" --anchors "$ANCHORS" --train-start "$TRAIN_START" > "$d/auc-split.txt"
  if [ -n "${PREVIOUS_DLL:-}" ] && { [ "${REUSE:-0}" != 1 ] || [ ! -s "$d/previous-scores.csv" ]; }; then
    dotnet "$PREVIOUS_DLL" train --transactions "$d/raw.csv" --train-start "$TRAIN_START" --threads "$THREADS" --out "$d/previous.bin" > /dev/null
    dotnet "$PREVIOUS_DLL" evaluate --model "$d/previous.bin" --transactions "$d/raw.csv" --train-start "$TRAIN_START" --scores-out "$d/previous-scores.csv" > /dev/null
  fi
done

"$PY" "$repo/bench/seeds.py" "$ANCHORS" "$OUT" "$BOOT" $SEEDS

echo
echo "The AUC over the frauds a feature can see and over those no feature can (bench/auc_split.py, per seed)"
"$PY" "$repo/bench/auc_split.py" summary $(for seed in $SEEDS; do echo "$OUT/seed$seed/auc-split.txt"; done)
