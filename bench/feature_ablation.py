#!/usr/bin/env python3
"""Feature ablation with XGBoost (FastTree-like settings) on our `features` table, handbook protocol split.
Guides which extra features are worth keeping; the decision itself uses our own learner (bench/run.sh)."""
import sys, json
import numpy as np, pandas as pd, xgboost as xgb
from sklearn.metrics import roc_auc_score, average_precision_score

sys.path.insert(0, sys.argv[2])
import anchors  # noqa: E402

t = pd.read_csv(sys.argv[1])
t["tx_datetime"] = 0
train, test = anchors.split(t, int(sys.argv[3]) if len(sys.argv) > 3 else 115)
base = anchors.FEATURES
extras = [c for c in t.columns if c not in base + ["tx_fraud", "customer_id", "day", "transaction_id", "tx_datetime"]]
sets = {"baseline": base, "all": base + extras}
for e in extras:
    sets[f"baseline+{e}"] = base + [e]
    sets[f"all-{e}"] = [c for c in base + extras if c != e]
for name, cols in sets.items():
    m = xgb.XGBClassifier(n_estimators=100, max_depth=0, max_leaves=20, grow_policy="lossguide", learning_rate=0.2,
                          tree_method="hist", max_bin=255, n_jobs=2, random_state=0)
    m.fit(train[cols].values, train.tx_fraud.values)
    p = m.predict_proba(test[cols].values)[:, 1]
    print(json.dumps({"set": name, "auc": round(roc_auc_score(test.tx_fraud, p), 4),
                      "ap": round(average_precision_score(test.tx_fraud, p), 4),
                      "cp100": round(anchors.card_precision_at_k(test, p), 4)}), flush=True)
