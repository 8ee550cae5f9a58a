#!/usr/bin/env python3
"""Where the AUC differences between our model and the anchors come from (issue 9, seed 1).

    /usr/bin/python3 bench/auc_split.py RAW.csv OUR_SCORES.csv [--anchors ../shared/bench/anchors.py] [--train-start 115]
    /usr/bin/python3 bench/auc_split.py summary SEED1.txt SEED2.txt ...   (what the first form printed, one file per seed)

RAW.csv is the simulation (`simulate`), OUR_SCORES.csv what `evaluate --scores-out` wrote for the same test week. The
anchors are trained again exactly as anchors.py trains them (its own functions, imported), so their scores can be
matched to ours transaction by transaction.

A test fraud is "unseen" when no feature can know of it: a compromised-terminal fraud (scenario 2) at a terminal with
no fraud in the terminal windows' whole span (the 30 days ending at the label delay), of an amount the simulator's
scenario 1 does not mark (over 220 every model sees it). The AUC is then split into the
AUC over the frauds a model can see and the AUC over the unseen ones (each against every genuine payment). For the
unseen ones any model can only guess; our model ties most of them with the genuine mass (0.5 exactly), and the line
"random order" gives the AUC's spread if that mass were ordered at random instead (300 draws).
"""
import argparse
import importlib.util
import json

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

DELAY, WINDOW, SCENARIO_1_AMOUNT = 7, 30, 220


def anchors_module(path):
    spec = importlib.util.spec_from_file_location("anchors", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unseen_frauds(raw, test):
    """Scenario-2 frauds of at most 220 whose terminal had no fraud in the terminal features' window, the instants
    (t - DELAY - WINDOW days, t - DELAY days] before the payment's own time t (not whole days: a fraud later in the day
    DELAY days before is not yet known)."""
    frauds = raw[raw.tx_fraud == 1][["terminal_id", "tx_datetime"]]
    by_terminal = frauds.groupby("terminal_id")["tx_datetime"].apply(lambda t: t.values.astype("datetime64[s]")).to_dict()
    delay, span = np.timedelta64(DELAY * 86400, "s"), np.timedelta64((DELAY + WINDOW) * 86400, "s")
    unseen = np.zeros(len(test), dtype=bool)
    for i, (terminal, at, fraud, scenario, amount) in enumerate(zip(test.terminal_id, test.tx_datetime.values.astype("datetime64[s]"),
                                                                  test.tx_fraud, test.tx_fraud_scenario, test.tx_amount)):
        if fraud != 1 or scenario != 2 or amount > SCENARIO_1_AMOUNT:
            continue
        times = by_terminal.get(terminal, np.array([], dtype="datetime64[s]"))
        unseen[i] = not np.any((times > at - span) & (times <= at - delay))
    return unseen


def split_auc(y, scores, unseen):
    genuine = y == 0
    seen = (y == 1) & ~unseen
    both = lambda frauds: roc_auc_score(np.r_[np.zeros(genuine.sum()), np.ones(frauds.sum())], np.r_[scores[genuine], scores[frauds]])
    return roc_auc_score(y, scores), both(seen), both(unseen)


def summary(paths):
    """Per seed and on average: ours against the best anchor on each part of the AUC."""
    runs = [json.loads([line for line in open(path) if line.startswith("{")][-1]) for path in paths]
    print(f"{'seed file':34s} {'seen: ours':>11s} {'best anchor':>12s} {'unseen: ours':>13s} {'anchors':>15s}")
    gaps = []
    for path, run in zip(paths, runs):
        ours = run["models"]["ours"]
        anchors = {name: r for name, r in run["models"].items() if name != "ours"}
        best = max(anchors, key=lambda name: anchors[name]["auc_seen"])
        unseen = [r["auc_unseen"] for r in anchors.values()]
        gaps.append(ours["auc_seen"] - anchors[best]["auc_seen"])
        print(f"{path[-34:]:34s} {ours['auc_seen']:11.4f} {anchors[best]['auc_seen']:12.4f} {ours['auc_unseen']:13.4f} {min(unseen):7.4f}-{max(unseen):.4f}")
    print(f"seen frauds: ours minus the best anchor on them, mean {np.mean(gaps):+.4f}, smallest {min(gaps):+.4f} ({sum(g >= 0 for g in gaps)} of {len(gaps)} seeds at least as good)")


def main():
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "summary":
        summary(sys.argv[2:])
        return
    p = argparse.ArgumentParser()
    p.add_argument("raw")
    p.add_argument("ours")
    p.add_argument("--anchors", default="../shared/bench/anchors.py")
    p.add_argument("--train-start", type=int, default=115)
    a = p.parse_args()

    anchors = anchors_module(a.anchors)
    raw = anchors.load(a.raw)
    tx = anchors.baseline_features(raw)
    train, test = anchors.split(tx, a.train_start)
    ours = pd.read_csv(a.ours)[["transaction_id", "score"]].rename(columns={"score": "ours"})
    test = test.merge(ours, on="transaction_id", how="inner")
    if len(test) != len(ours):
        raise SystemExit(f"our scores cover {len(ours)} test rows, the anchors' split {len(test)} of them: not the same week")
    y = test.tx_fraud.values
    unseen = unseen_frauds(raw, test)
    scores = {"ours": test.ours.values}
    for name, make in anchors.models().items():
        model = make().fit(train[anchors.FEATURES].values, train.tx_fraud.values)
        scores[name] = model.predict_proba(test[anchors.FEATURES].values)[:, 1]

    frauds = int(y.sum())
    print(f"test rows {len(y)}, frauds {frauds}: {frauds - int(unseen.sum())} a feature can see, {int(unseen.sum())} unseen "
          f"(compromised terminals with no fraud in the {WINDOW} days before the {DELAY}-day label delay, amounts up to {SCENARIO_1_AMOUNT})")
    print(f"{'model':24s} {'AUC':>7s} {'seen':>7s} {'unseen':>7s} {'distinct':>9s} {'largest tie':>12s}")
    rows = {}
    for name, s in scores.items():
        auc, seen, uns = split_auc(y, s, unseen)
        values, counts = np.unique(s, return_counts=True)
        rows[name] = {"auc": round(auc, 4), "auc_seen": round(seen, 4), "auc_unseen": round(uns, 4), "distinct_scores": int(len(values)), "largest_tie": int(counts.max())}
        print(f"{name:24s} {auc:7.4f} {seen:7.4f} {uns:7.4f} {len(values):9d} {counts.max():12d}")

    # Our largest tie group ordered at random, many times: the spread its order alone gives the AUC.
    s = scores["ours"]
    values, counts = np.unique(s, return_counts=True)
    tied = s == values[counts.argmax()]
    rng = np.random.default_rng(0)
    draws = []
    for _ in range(300):
        shuffled = s.copy()
        shuffled[tied] = s[tied] + rng.uniform(-1e-9, 1e-9, tied.sum())
        draws.append(roc_auc_score(y, shuffled))
    draws = np.array(draws)
    best = max((r["auc"], n) for n, r in rows.items() if n != "ours")
    share = float(np.mean(draws >= best[0]))
    print(f"our largest tie: {int(tied.sum())} rows, {int(y[tied].sum())} frauds ({int((tied & unseen).sum())} unseen); in random order "
          f"AUC {draws.mean():.4f} sd {draws.std():.4f}, 90% [{np.percentile(draws, 5):.4f}, {np.percentile(draws, 95):.4f}]; "
          f"at least the best anchor's {best[0]:.4f} ({best[1]}) in {share:.0%} of orders")
    print(json.dumps({"models": rows, "unseen_frauds": int(unseen.sum()), "frauds": frauds,
                      "tie_rows": int(tied.sum()), "tie_frauds": int(y[tied].sum()),
                      "random_order_auc_mean": round(float(draws.mean()), 4), "random_order_auc_sd": round(float(draws.std()), 4),
                      "random_order_at_least_best_anchor": round(share, 3)}))


if __name__ == "__main__":
    main()
