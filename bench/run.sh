#!/usr/bin/env bash
# Benchmarks (printed figures, not tests): detection quality vs the anchors on the handbook protocol,
# training speed vs XGBoost, scoring latency/throughput. Outputs go to bench-out/ (gitignored).
#   bench/run.sh            everything
#   SEED=1 ANCHORS=/path/anchors.py THREADS=2 bench/run.sh
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
VALIDATED="--trees 200 --leaves 8 --learning-rate 0.05 --min-leaf 10 --tree-fit second-order"
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
fw evaluate --model "$OUT/model.bin" --transactions "$OUT/raw.csv" --train-start "$TRAIN_START" | tee "$OUT/ours-quality.json"
# Same learner on the anchors' own 15-feature tables (isolates the learner from our extra feature): with FastTree's
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
print(f"{'ours FastTree defaults, 15 features':44s} {fast15['auc']:7.4f} {fast15['ap']:7.4f} {fast15['cp100']:7.4f}")
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
print(f"  ours {mine['fit_seconds']:.3f} s, XGBoost {speed['xgboost_fit_s']:.3f} s, sklearn {speed['sklearn_fit_s']:.3f} s;"
      f" ratio ours/XGBoost {ratio:.2f} (target <= 1.0): {'PASS' if ratio <= 1.0 else 'FAIL'}")
score = lines("ours-score.json")[0]
print()
print("Scoring")
ns = score["single_row_median_ns"]
print(f"  single row: ours {ns:.0f} ns median, {score['allocated_bytes_per_call']:.1f} B/call (target < 2000 ns, 0 B):"
      f" {'PASS' if ns < 2000 and score['allocated_bytes_per_call'] == 0 else 'FAIL'}; XGBoost inplace_predict {speed['xgboost_single_row_us']} us")
print(f"  batch: ours {score['batch_rows_per_s']:.0f} rows/s, XGBoost {speed['xgboost_predict_rows_per_s']} rows/s,"
      f" sklearn {speed['sklearn_predict_rows_per_s']} rows/s; ratio ours/XGBoost {score['batch_rows_per_s'] / speed['xgboost_predict_rows_per_s']:.2f}")
PYEOF
