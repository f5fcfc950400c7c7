"""scikit-learn fixtures for decision trees and random forests (run by hand):

    .venv-sklearn/bin/python tests/goldens/sklearn/gen_forest.py

Trees: scikit-learn breaks ties between equally good splits by its own feature permutation, so
only scores are compared (within a margin), plus the depth of an unlimited tree on data without
ties. Forests are seeded differently: held-out scores within a margin.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import average_precision_score, recall_score
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from common import load, split, write


def main():
    cases = []
    for dataset, est, params, sk in [
        ("iris", "DecisionTreeClassifier", {"maxDepth": 3}, lambda s: DecisionTreeClassifier(max_depth=3, random_state=s)),
        ("breast_cancer", "DecisionTreeClassifier", {"criterion": "entropy", "minSamplesLeaf": 5}, lambda s: DecisionTreeClassifier(criterion="entropy", min_samples_leaf=5, random_state=s)),
        ("wine", "DecisionTreeClassifier", {}, lambda s: DecisionTreeClassifier(random_state=s)),
        ("diabetes", "DecisionTreeRegressor", {"maxDepth": 4}, lambda s: DecisionTreeRegressor(max_depth=4, random_state=s)),
        ("breast_cancer", "RandomForestClassifier", {"nEstimators": 100}, lambda s: RandomForestClassifier(n_estimators=100, random_state=s)),
        ("digits", "RandomForestClassifier", {"nEstimators": 50}, lambda s: RandomForestClassifier(n_estimators=50, random_state=s)),
        ("diabetes", "RandomForestRegressor", {"nEstimators": 100, "minSamplesLeaf": 3}, lambda s: RandomForestRegressor(n_estimators=100, min_samples_leaf=3, random_state=s)),
        ("rare_events", "RandomForestClassifier", {"nEstimators": 50, "classWeight": "balanced", "minSamplesLeaf": 5}, lambda s: RandomForestClassifier(n_estimators=50, class_weight="balanced", min_samples_leaf=5, random_state=s)),
        ("rare_events", "DecisionTreeClassifier", {"classWeight": "balanced", "maxDepth": 4}, lambda s: DecisionTreeClassifier(class_weight="balanced", max_depth=4, random_state=s)),
    ]:
        x, y, _ = load(dataset)
        tr, te = split(len(y))
        scores, extra = [], []
        for seed in range(5):
            m = sk(seed).fit(x[tr], y[tr])
            scores.append(m.score(x[te], y[te]))
            if dataset == "rare_events":
                p = m.predict_proba(x[te])[:, 1]
                extra.append([recall_score(y[te], m.predict(x[te])), average_precision_score(y[te], p)])
        case = {"estimator": est, "dataset": dataset, "params": params, "train": tr.tolist(), "test": te.tolist(),
                "scoreMean": float(np.mean(scores)), "scoreMin": float(np.min(scores)), "scoreMax": float(np.max(scores))}
        if extra:
            case["recall"] = float(np.mean([e[0] for e in extra]))
            case["averagePrecision"] = float(np.mean([e[1] for e in extra]))
        cases.append(case)
        print(est, dataset, case["scoreMean"], case.get("recall"))
    write("forest", cases)


if __name__ == "__main__":
    main()
