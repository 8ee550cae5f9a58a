#!/usr/bin/env bash
# Benchmarks (printed figures, not tests): detection quality vs the anchors on the handbook protocol,
# training speed vs XGBoost, scoring latency/throughput. Outputs go to bench-out/ (gitignored).
#   bench/run.sh            everything
#   SEED=1 ANCHORS=/path/anchors.py THREADS=2 bench/run.sh
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
ANCHORS="${ANCHORS:-$(dirname "$repo")/shared/bench/anchors.py}"
PY="${PY:-/usr/bin/python3}"
SEED="${SEED:-1}"
THREADS="${THREADS:-2}"
TRAIN_START="${TRAIN_START:-115}"
OUT="${OUT:-$repo/bench-out}"
# Must match FraudWeb.Domain/Features/TransactionModelDefaults.cs (what `train --transactions` uses by default).
VALIDATED="--trees 200 --leaves 8 --learning-rate 0.05 --min-leaf 10 --bagging 0.7 --feature-fraction 0.8"
mkdir -p "$OUT/anchors"
[ -f "$ANCHORS" ] || { echo "anchors.py not found at $ANCHORS (set ANCHORS)" >&2; exit 2; }

echo "== build" >&2
dotnet build FraudWeb/FraudWeb.csproj -c Release -v q -nologo >&2
fw() { dotnet "$repo/FraudWeb/bin/Release/net10.0/FraudWeb.dll" "$@"; }

echo "== 1. simulate (5000 customers, 10000 terminals, 183 days from 2018-04-01, seed $SEED)" >&2
fw simulate --out "$OUT/raw.csv" --customers 5000 --terminals 10000 --days 183 --start 2018-04-01 --seed "$SEED" | tee "$OUT/simulate.json"

echo "== 2. detection quality, handbook protocol, --train-start $TRAIN_START" >&2
"$PY" "$ANCHORS" quality "$OUT/raw.csv" --train-start "$TRAIN_START" --features-out "$OUT/anchors" | tee "$OUT/anchors-quality.json"
fw train --transactions "$OUT/raw.csv" --train-start "$TRAIN_START" --threads "$THREADS" --out "$OUT/model.bin" | tee "$OUT/ours-train.json"
fw evaluate --model "$OUT/model.bin" --transactions "$OUT/raw.csv" --train-start "$TRAIN_START" --scores-out "$OUT/ours-scores.csv" | tee "$OUT/ours-quality.json"
# Same learner on the anchors' own 15-feature tables (isolates the learner from our extra feature): with ML.NET FastTree's
# defaults (table mode's), and with the settings transactions mode uses (TransactionModelDefaults).
fw train --table "$OUT/anchors/train.csv" --label tx_fraud --ignore customer_id,day --threads "$THREADS" --out "$OUT/model-fasttree15.bin" > "$OUT/ours-fasttree15-train.json"
fw evaluate --model "$OUT/model-fasttree15.bin" --table "$OUT/anchors/test.csv" --label tx_fraud | tee "$OUT/ours-fasttree15-quality.json"
fw train --table "$OUT/anchors/train.csv" --label tx_fraud --ignore customer_id,day --threads "$THREADS" $VALIDATED --out "$OUT/model-baseline.bin" > "$OUT/ours-baseline-train.json"
fw evaluate --model "$OUT/model-baseline.bin" --table "$OUT/anchors/test.csv" --label tx_fraud | tee "$OUT/ours-baseline-quality.json"

echo "== 3. training speed on all.csv ($THREADS threads)" >&2
"$PY" "$ANCHORS" speed "$OUT/anchors/all.csv" --label tx_fraud --threads "$THREADS" | tee "$OUT/anchors-speed.json"
fw train --table "$OUT/anchors/all.csv" --label tx_fraud --ignore customer_id,day --threads "$THREADS" --out "$OUT/model-all.bin" | tee "$OUT/ours-speed.json"

echo "== 4. scoring" >&2
fw bench-score --model "$OUT/model-all.bin" --table "$OUT/anchors/all.csv" --ignore customer_id,day | tee "$OUT/ours-score.json"
# The product's model (TransactionModelDefaults, 18 features) on its own feature table: what one payment costs.
fw features --transactions "$OUT/raw.csv" --out "$OUT/features.csv" > /dev/null
fw bench-score --model "$OUT/model.bin" --table "$OUT/features.csv" | tee "$OUT/ours-score-product.json"

"$PY" - "$OUT" <<'PYEOF'
import json, sys
out = sys.argv[1]
def lines(name): return [json.loads(l) for l in open(f"{out}/{name}") if l.strip()]
anchors = [r for r in lines("anchors-quality.json") if "model" in r]
ours = lines("ours-quality.json")[0]
base = lines("ours-baseline-quality.json")[0]
fast15 = lines("ours-fasttree15-quality.json")[0]
train = lines("ours-train.json")[0]
print()
print(f"Detection quality (handbook protocol, train-start day {train.get('train_start_day')}, test rows {ours['rows']}, frauds {ours['frauds']})")
print(f"{'model':44s} {'AUC':>7s} {'AP':>7s} {'CP@100':>7s}")
for r in anchors:
    print(f"{'anchor ' + r['model']:44s} {r['auc']:7.4f} {r['ap']:7.4f} {r['cp100']:7.4f}")
print(f"{'ours ML.NET FastTree defaults, 15 features':44s} {fast15['auc']:7.4f} {fast15['ap']:7.4f} {fast15['cp100']:7.4f}")
print(f"{'ours validated settings, 15 features':44s} {base['auc']:7.4f} {base['ap']:7.4f} {base['cp100']:7.4f}")
print(f"{'ours validated settings, ' + str(train['features']) + ' features (train)':44s} {ours['auc']:7.4f} {ours['ap']:7.4f} {ours['cp100']:7.4f}")
for m in ("auc", "ap", "cp100"):
    best = max(anchors, key=lambda r: r[m])
    verdict = "PASS" if ours[m] >= best[m] else "FAIL"
    print(f"  {m:6s} ours {ours[m]:.4f} vs best anchor {best[m]:.4f} ({best['model']}): {verdict}")
speed = lines("anchors-speed.json")[0]
mine = lines("ours-speed.json")[0]
ratio = mine["fit_seconds"] / speed["xgboost_fit_s"]
print()
print(f"Training speed on all.csv ({mine['rows']} rows x {mine['features']} features, {mine['threads']} threads)")
print(f"  ours (ML.NET FastTree) {mine['fit_seconds']:.3f} s, XGBoost {speed['xgboost_fit_s']:.3f} s, sklearn {speed['sklearn_fit_s']:.3f} s;"
      f" ratio ours/XGBoost {ratio:.2f}")
score = lines("ours-score.json")[0]
print()
for label, sc in (("product model, 200 trees x 8 leaves, 18 features", lines("ours-score-product.json")[0]), ("all.csv model, ML.NET defaults 100 x 20", score)):
    ns, p99 = sc["single_row_median_ns"], sc["single_row_p99_ns"]
    ens, ep99 = sc["explain_median_ns"], sc["explain_p99_ns"]
    print(f"Scoring, {label}")
    print(f"  score one row (pooled ML.NET PredictionEngine): {ns / 1000:.2f} us median, {p99 / 1000:.2f} us p99, {sc['allocated_bytes_per_call']:.1f} B/call"
          f" (goal < 5 us): {'PASS' if ns < 5000 else 'FAIL'}; XGBoost inplace_predict {speed['xgboost_single_row_us']} us")
    print(f"  explain one row (exact TreeSHAP): {ens / 1000:.1f} us median, {ep99 / 1000:.1f} us p99, {sc['explain_allocated_bytes_per_call']:.1f} B/call"
          f" (goal < 100 us): {'PASS' if ens < 100_000 else 'FAIL'}")
print(f"  batch: ours {score['batch_rows_per_s']:.0f} rows/s, XGBoost {speed['xgboost_predict_rows_per_s']} rows/s,"
      f" sklearn {speed['sklearn_predict_rows_per_s']} rows/s; ratio ours/XGBoost {score['batch_rows_per_s'] / speed['xgboost_predict_rows_per_s']:.2f}")
import csv
rows = list(csv.DictReader(open(f"{out}/ours-scores.csv")))
print()
print("Risk thresholds on the test week (risk score = floor(100 p); ML.NET's calibrated p)")
for name, t in (("review (risk >= 65)", 0.65), ("decline (risk >= 75)", 0.75)):
    hit = [int(r["tx_fraud"]) for r in rows if float(r["score"]) >= t]
    rate = sum(hit) / len(hit) if hit else float("nan")
    print(f"  {name}: {len(hit)} of {len(rows)} payments ({100 * len(hit) / len(rows):.2f} %), {100 * rate:.1f} % of them fraud")
PYEOF

echo
echo "Where the AUC differences come from (bench/auc_split.py: frauds a feature can see, and those no feature can)"
"$PY" "$repo/bench/auc_split.py" "$OUT/raw.csv" "$OUT/ours-scores.csv" --anchors "$ANCHORS" --train-start "$TRAIN_START" \
  | tee "$OUT/auc-split.txt" | grep -v '^{'
