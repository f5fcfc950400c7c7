"""Fixtures for crates/ml/tests/sklearn_trees.rs: decision trees, random forests, k-nearest
neighbours and k-means from scikit-learn 1.5, on the shipped samples.

Every case names an estimator, a data set, the camelCase params the Rust side deserialises, a
fixed split (train and test row indices, in the order both sides use) and expectations:

* Trees: test predictions, score, feature importances, depth, leaf count. scikit-learn visits
  features in a random order at every node even with max_features=None, so between equally good
  splits the winner depends on the seed. We refit scikit-learn under seeds 0..9 and store how far
  its own results move ("seedMismatches", "seedImportanceSpread"); the Rust test allows that
  much difference plus a stated slack, nothing more.
* KNN: exact predictions (and probabilities) on test rows whose k-th and (k+1)-th nearest
  training rows are not at the same distance; "tied" marks the others, where scikit-learn's order
  (it computes distances by the dot-product expansion, with rounding) is arbitrary.
* Forests and k-means draw differently from scikit-learn, so only scores compare: the Rust
  score (test accuracy, balanced accuracy on rare_events, R², or k-means inertia on all rows)
  must lie in the range of scikit-learn's over seeds 0..4 widened by "margin" (absolute for
  scores, relative for inertia).
"""
import sys
import pathlib

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import common  # noqa: E402

from sklearn.cluster import KMeans  # noqa: E402
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor  # noqa: E402
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402

CLASSIFIERS = {"DecisionTreeClassifier", "RandomForestClassifier", "KNeighborsClassifier"}
SNAKE = {
    "nEstimators": "n_estimators", "maxDepth": "max_depth", "minSamplesSplit": "min_samples_split",
    "minSamplesLeaf": "min_samples_leaf", "maxFeatures": "max_features", "classWeight": "class_weight",
    "randomState": "random_state", "minImpurityDecrease": "min_impurity_decrease", "criterion": "criterion",
    "nNeighbors": "n_neighbors", "weights": "weights", "p": "p", "nClusters": "n_clusters", "init": "init",
    "nInit": "n_init", "maxIter": "max_iter", "bootstrap": "bootstrap", "maxSamples": "max_samples",
}
ESTIMATORS = {c.__name__: c for c in [DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier,
                                      RandomForestRegressor, KNeighborsClassifier, KNeighborsRegressor, KMeans]}


def make(name, params, seed=None):
    kw = {SNAKE[k]: v for k, v in params.items()}
    if seed is not None:
        kw["random_state"] = seed
    return ESTIMATORS[name](**kw)


def split(dataset, x, y):
    strat = y if dataset != "diabetes" else None
    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=0.3, random_state=0, stratify=strat)
    return train, test


def score(name, dataset, model, x, y):
    if dataset == "rare_events":  # accuracy says little at a 2% positive rate
        return balanced_accuracy_score(y, model.predict(x))
    return model.score(x, y)


def tree_case(name, dataset, params, slack=0, importance_atol=0.02):
    x, y, _ = common.load(dataset)
    train, test = split(dataset, x, y)
    fits = [make(name, params, s).fit(x[train], y[train]) for s in range(10)]
    preds = [f.predict(x[test]) for f in fits]
    imps = np.array([f.feature_importances_ for f in fits])
    m = fits[0]
    return {
        "estimator": name, "dataset": dataset, "params": params, "train": train, "test": test,
        "predictions": preds[0], "score": score(name, dataset, m, x[test], y[test]),
        "featureImportances": m.feature_importances_, "depth": m.get_depth(), "nLeaves": m.get_n_leaves(),
        "seedMismatches": max(int((p != preds[0]).sum()) for p in preds),
        "seedImportanceSpread": float(np.abs(imps - imps[0]).max()),
        "mismatchSlack": slack, "importanceAtol": importance_atol,
    }


def knn_case(name, dataset, params):
    x, y, _ = common.load(dataset)
    train, test = split(dataset, x, y)
    m = make(name, params).fit(x[train], y[train])
    k, p = params.get("nNeighbors", 5), params.get("p", 2)
    d = (np.abs(x[test][:, None, :] - x[train][None, :, :]) ** p).sum(-1) ** (1.0 / p)
    d.sort(axis=1)
    tied = np.abs(d[:, k - 1] - d[:, k]) <= 1e-9 * np.maximum(1.0, d[:, k])
    case = {"estimator": name, "dataset": dataset, "params": params, "train": train, "test": test,
            "predictions": m.predict(x[test]), "tied": tied.astype(float), "score": m.score(x[test], y[test])}
    if name in CLASSIFIERS:
        case["proba"] = m.predict_proba(x[test])
    return case


def seeded_case(name, dataset, params, margin):
    x, y, _ = common.load(dataset)
    train, test = split(dataset, x, y)
    scores = [score(name, dataset, make(name, params, s).fit(x[train], y[train]), x[test], y[test]) for s in range(5)]
    return {"estimator": name, "dataset": dataset, "params": params, "train": train, "test": test,
            "scoreMean": np.mean(scores), "scoreMin": min(scores), "scoreMax": max(scores), "margin": margin}


def kmeans_case(dataset, params, margin):
    x, _, _ = common.load(dataset)
    inertias = [make("KMeans", params, s).fit(x).inertia_ for s in range(5)]
    return {"estimator": "KMeans", "dataset": dataset, "params": params,
            "inertiaMin": min(inertias), "inertiaMax": max(inertias), "margin": margin}


def main():
    cases = [
        tree_case("DecisionTreeClassifier", "iris", {"randomState": 0}),
        tree_case("DecisionTreeClassifier", "wine", {"randomState": 0}),
        tree_case("DecisionTreeClassifier", "breast_cancer", {"maxDepth": 4, "randomState": 0}),
        tree_case("DecisionTreeClassifier", "breast_cancer", {"criterion": "entropy", "minSamplesLeaf": 5}),
        tree_case("DecisionTreeClassifier", "digits", {"randomState": 0}),
        tree_case("DecisionTreeClassifier", "digits", {"criterion": "log_loss", "maxDepth": 8, "minSamplesSplit": 10}),
        tree_case("DecisionTreeClassifier", "rare_events", {"classWeight": "balanced", "maxDepth": 6}),
        tree_case("DecisionTreeClassifier", "wine", {"maxDepth": 3, "minImpurityDecrease": 0.01}),
        tree_case("DecisionTreeRegressor", "diabetes", {"maxDepth": 4}),
        tree_case("DecisionTreeRegressor", "diabetes", {"minSamplesLeaf": 5, "randomState": 1}),
        knn_case("KNeighborsClassifier", "iris", {}),
        knn_case("KNeighborsClassifier", "iris", {"nNeighbors": 7, "weights": "distance", "p": 1}),
        knn_case("KNeighborsClassifier", "wine", {"nNeighbors": 3}),
        knn_case("KNeighborsClassifier", "breast_cancer", {"weights": "distance"}),
        knn_case("KNeighborsClassifier", "digits", {"nNeighbors": 4, "p": 1}),
        knn_case("KNeighborsRegressor", "diabetes", {}),
        knn_case("KNeighborsRegressor", "diabetes", {"nNeighbors": 10, "weights": "distance", "p": 1}),
        seeded_case("RandomForestClassifier", "iris", {"nEstimators": 100}, 0.03),
        seeded_case("RandomForestClassifier", "wine", {"nEstimators": 100}, 0.03),
        seeded_case("RandomForestClassifier", "breast_cancer", {"nEstimators": 100}, 0.03),
        seeded_case("RandomForestClassifier", "digits", {"nEstimators": 50, "maxDepth": 12}, 0.03),
        seeded_case("RandomForestClassifier", "rare_events", {"nEstimators": 50, "classWeight": "balanced", "maxDepth": 6}, 0.05),
        seeded_case("RandomForestClassifier", "rare_events",
                    {"nEstimators": 50, "classWeight": "balanced_subsample", "minSamplesLeaf": 3}, 0.05),
        seeded_case("RandomForestClassifier", "wine", {"nEstimators": 30, "bootstrap": False, "maxFeatures": 0.5}, 0.03),
        seeded_case("RandomForestRegressor", "diabetes", {"nEstimators": 100}, 0.03),
        seeded_case("RandomForestRegressor", "diabetes", {"nEstimators": 50, "maxFeatures": "sqrt", "maxSamples": 0.5}, 0.03),
        kmeans_case("iris", {"nClusters": 3}, 0.01),
        kmeans_case("iris", {"nClusters": 3, "init": "random"}, 0.01),
        kmeans_case("wine", {"nClusters": 3}, 0.01),
        kmeans_case("breast_cancer", {"nClusters": 2}, 0.01),
        kmeans_case("digits", {"nClusters": 10, "nInit": 10}, 0.01),
    ]
    common.write("trees", cases)
    for c in cases:
        brief = {k: c[k] for k in c if k in ("score", "seedMismatches", "seedImportanceSpread", "scoreMin",
                                              "scoreMax", "inertiaMin", "inertiaMax")}
        if "tied" in c:
            brief["tied"] = int(sum(c["tied"]))
        print(c["estimator"], c["dataset"], c["params"], brief)


if __name__ == "__main__":
    main()
