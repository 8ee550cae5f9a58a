#!/usr/bin/env python3
"""Writes handbook-protocol train/test feature tables for validation folds (periods before the benchmark's test days),
from our `features` table, so hyperparameters and feature choices are made without looking at the benchmark's test set.
  make_folds.py FEATURES.csv ANCHORS_DIR OUT_DIR START [START ...]"""
import os, sys
import pandas as pd
sys.path.insert(0, sys.argv[2])
import anchors  # noqa: E402

t = pd.read_csv(sys.argv[1])
for s in sys.argv[4:]:
    train, test = anchors.split(t, int(s))
    d = os.path.join(sys.argv[3], f"fold{s}")
    os.makedirs(d, exist_ok=True)
    train.drop(columns=["transaction_id"]).to_csv(f"{d}/train.csv", index=False)
    test.drop(columns=["transaction_id"]).to_csv(f"{d}/test.csv", index=False)
    print(s, len(train), int(train.tx_fraud.sum()), len(test), int(test.tx_fraud.sum()))
