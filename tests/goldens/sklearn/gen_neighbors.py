"""scikit-learn fixtures for k-nearest neighbours and k-means (run by hand):

    .venv-sklearn/bin/python tests/goldens/sklearn/gen_neighbors.py

KNN is deterministic: predictions and probabilities must match (the data sets are standardised
so exact distance ties are unlikely). KMeans is seeded differently from scikit-learn's RNG, so
only its inertia is compared, within a margin, to the best of scikit-learn's 10 seeds.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler

from common import load, split, write


def main():
    cases = []
    for dataset, params in [("iris", {"n_neighbors": 5}), ("wine", {"n_neighbors": 7, "weights": "distance"}), ("breast_cancer", {"n_neighbors": 3, "p": 1})]:
        x, y, _ = load(dataset)
        x = StandardScaler().fit_transform(x)
        tr, te = split(len(y))
        m = KNeighborsClassifier(**params).fit(x[tr], y[tr])
        cases.append({
            "estimator": "KNeighborsClassifier", "dataset": dataset, "standardise": True,
            "params": {"nNeighbors": params["n_neighbors"], "weights": params.get("weights", "uniform"), "p": params.get("p", 2)},
            "train": tr.tolist(), "test": te.tolist(),
            "predict": m.predict(x[te]), "predictProba": m.predict_proba(x[te]), "score": m.score(x[te], y[te]),
        })
    x, y, _ = load("diabetes")
    tr, te = split(len(y))
    for weights in ["uniform", "distance"]:
        m = KNeighborsRegressor(n_neighbors=6, weights=weights).fit(x[tr], y[tr])
        cases.append({
            "estimator": "KNeighborsRegressor", "dataset": "diabetes", "standardise": False,
            "params": {"nNeighbors": 6, "weights": weights}, "train": tr.tolist(), "test": te.tolist(),
            "predict": m.predict(x[te]), "score": m.score(x[te], y[te]),
        })
    for dataset, k in [("iris", 3), ("wine", 3), ("digits", 10)]:
        x, y, _ = load(dataset)
        x = StandardScaler().fit_transform(x)
        runs = [KMeans(n_clusters=k, random_state=s).fit(x) for s in range(10)]
        best = min(runs, key=lambda r: r.inertia_)
        cases.append({
            "estimator": "KMeans", "dataset": dataset, "standardise": True, "params": {"nClusters": k, "nInit": 10},
            "inertia": best.inertia_, "medianInertia": float(np.median([r.inertia_ for r in runs])),
            "ariWithClasses": adjusted_rand_score(y, best.labels_),
        })
    write("neighbors", cases)


if __name__ == "__main__":
    main()
