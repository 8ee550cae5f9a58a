#!/usr/bin/env python3
"""Summary of bench/seeds.sh: per seed, our `train --transactions` model against every anchor on the handbook protocol,
and over all seeds the mean of each metric with a 95% paired bootstrap interval for (ours - anchor).
The anchors are refitted here exactly as anchors.py fits them (same features, models and seeds) to get their scores;
their metrics are checked against anchors.py's own output. Bootstrap resampling unit: one card over the test week
(a card's transactions are not independent), B replicates per seed; the interval over seeds averages replicate b across seeds.
  seeds.py ANCHORS_PY OUT_DIR B SEED [SEED ...]"""
import json, os, sys
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
import anchors  # noqa: E402

out, boot, seeds = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
rng = np.random.default_rng(20261122)
METRICS = ("auc", "ap", "cp100")


def metrics(test, y, p, w=None):
    r = {"auc": roc_auc_score(y, p, sample_weight=w), "ap": average_precision_score(y, p, sample_weight=w)}
    if w is None:
        r["cp100"] = anchors.card_precision_at_k(test, p)
    return r


per_seed, diffs = {}, {}  # diffs[(model, metric)] -> list over seeds of B replicate differences (ours - model)
for s in seeds:
    d = f"{out}/seed{s}"
    train, test = pd.read_csv(f"{d}/anchors/train.csv"), pd.read_csv(f"{d}/anchors/test.csv")
    ours = pd.read_csv(f"{d}/ours-scores.csv")
    if len(ours) != len(test) or not (ours[["day", "customer_id", "tx_fraud"]].values == test[["day", "customer_id", "tx_fraud"]].values).all():
        sys.exit(f"seed {s}: our test rows do not line up with the anchors' test.csv")
    y = test.tx_fraud.values
    printed = {r["model"]: r for r in map(json.loads, open(f"{d}/anchors-quality.json")) if "model" in r}
    scores = {"ours": ours.score.values}
    if os.path.exists(f"{d}/previous-scores.csv"):  # the previous learner's scores on the same rows (PREVIOUS_DLL)
        prev = pd.read_csv(f"{d}/previous-scores.csv")
        if not (prev[["transaction_id", "tx_fraud"]].values == ours[["transaction_id", "tx_fraud"]].values).all():
            sys.exit(f"seed {s}: the previous learner's test rows do not line up with ours")
        scores["previous"] = prev.score.values
    for name, make in anchors.models().items():
        scores[name] = make().fit(train[anchors.FEATURES].values, train.tx_fraud.values).predict_proba(test[anchors.FEATURES].values)[:, 1]
    res = {m: metrics(test, y, p) for m, p in scores.items()}
    for name, r in printed.items():
        if any(abs(round(res[name][k], 4) - r[k]) > 1e-4 for k in METRICS):
            sys.exit(f"seed {s}: refitted {name} {res[name]} differs from anchors.py's {r}")
    reported = json.loads(open(f"{d}/ours-quality.json").read())
    if any(abs(res["ours"][k] - reported[k]) > 1e-4 for k in METRICS):
        sys.exit(f"seed {s}: recomputed ours {res['ours']} differs from evaluate's {reported}")
    per_seed[s] = res
    clusters = pd.factorize(test.customer_id)[0]
    n = clusters.max() + 1
    reps = []
    for _ in range(boot):
        w = np.bincount(rng.integers(0, n, n), minlength=n)[clusters]
        reps.append({m: metrics(test, y, p, w) for m, p in scores.items()})
    for m in list(printed) + (["previous"] if "previous" in scores else []):
        for k in ("auc", "ap"):
            diffs.setdefault((m, k), []).append(np.array([r["ours"][k] - r[m][k] for r in reps]))
    print(f"seed {s} done", file=sys.stderr)

models = ["ours"] + list(anchors.models())
print(f"Detection quality over seeds {' '.join(seeds)} (handbook protocol; AUC / AP / CP@100)")
print(f"{'model':24s}" + "".join(f"{'seed ' + s:>23s}" for s in seeds) + f"{'mean':>23s}")
for m in models:
    cells = [per_seed[s][m] for s in seeds]
    mean = {k: np.mean([c[k] for c in cells]) for k in METRICS}
    print(f"{m:24s}" + "".join(f"{c['auc']:7.4f}/{c['ap']:.4f}/{c['cp100']:.4f}" for c in cells)
          + f"{mean['auc']:7.4f}/{mean['ap']:.4f}/{mean['cp100']:.4f}")
print()
print("Seeds where ours >= the best anchor: " + ", ".join(
    f"{k} {sum(per_seed[s]['ours'][k] >= max(per_seed[s][m][k] for m in models[1:]) for s in seeds)}/{len(seeds)}" for k in METRICS))
print()
print(f"ours - anchor, mean over seeds, 95% paired bootstrap interval ({boot} replicates per seed)")
for m in models[1:]:
    parts = []
    for k in ("auc", "ap"):
        mean_rep = np.mean(diffs[(m, k)], axis=0)
        point = np.mean([per_seed[s]["ours"][k] - per_seed[s][m][k] for s in seeds])
        lo, hi = np.percentile(mean_rep, [2.5, 97.5])
        parts.append(f"{k} {point:+.4f} [{lo:+.4f}, {hi:+.4f}]")
    cp = np.mean([per_seed[s]["ours"]["cp100"] - per_seed[s][m]["cp100"] for s in seeds])
    print(f"  {m:24s} " + "   ".join(parts) + f"   cp100 {cp:+.4f}")
print()
print("Per seed, ours - best anchor on AUC (95% interval):")
for i, s in enumerate(seeds):
    best = max(models[1:], key=lambda m: per_seed[s][m]["auc"])
    lo, hi = np.percentile(diffs[(best, "auc")][i], [2.5, 97.5])
    print(f"  seed {s}: {per_seed[s]['ours']['auc'] - per_seed[s][best]['auc']:+.4f} [{lo:+.4f}, {hi:+.4f}] vs {best}")

if all("previous" in per_seed[s] for s in seeds):
    print()
    print("ours - previous learner (PREVIOUS_DLL), per seed and mean, 95% paired bootstrap interval")
    print(f"{'previous':24s}" + "".join(f"{per_seed[s]['previous']['auc']:7.4f}/{per_seed[s]['previous']['ap']:.4f}/{per_seed[s]['previous']['cp100']:.4f}" for s in seeds))
    for k in ("auc", "ap"):
        mean_rep = np.mean(diffs[("previous", k)], axis=0)
        point = np.mean([per_seed[s]["ours"][k] - per_seed[s]["previous"][k] for s in seeds])
        lo, hi = np.percentile(mean_rep, [2.5, 97.5])
        per = " ".join(f"{per_seed[s]['ours'][k] - per_seed[s]['previous'][k]:+.4f}" for s in seeds)
        print(f"  {k:6s} mean {point:+.4f} [{lo:+.4f}, {hi:+.4f}]   per seed {per}")
    cp = np.mean([per_seed[s]["ours"]["cp100"] - per_seed[s]["previous"]["cp100"] for s in seeds])
    print(f"  cp100  mean {cp:+.4f}")
