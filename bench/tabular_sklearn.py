"""The scikit-learn side of bench/tabular.mjs (and the data every library fits).

    python bench/tabular_sklearn.py --rows N --cols D --out DIR [--reps R]

Writes DIR/x.f32 (row-major float32) and DIR/y.f32 (0/1 labels as float32): a seeded binary
problem whose label depends non-linearly on a few features plus noise. Then times scikit-learn's
LogisticRegression (lbfgs, max_iter 100), RandomForestClassifier (100 trees), KMeans (8
clusters, n_init 1) and PCA (2 components) on it, once limited to one thread (n_jobs=1,
threadpoolctl) and once with every core, and prints JSON: the best wall time of R repetitions
in ms and a quality number per fit, so that the other libraries can be checked to do the same work.
"""
import argparse
import json
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression


def make_data(rows, cols, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    w = rng.standard_normal(cols)
    score = x @ w * 0.5 + x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) + 0.5 * rng.standard_normal(rows)
    y = (score > 0).astype(np.float32)
    return x, y


def fits(n_jobs):
    return {
        "LogisticRegression": (lambda: LogisticRegression(max_iter=100), lambda m, x, y: m.score(x, y)),
        "RandomForestClassifier": (lambda: RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=n_jobs), lambda m, x, y: m.score(x, y)),
        "KMeans": (lambda: KMeans(n_clusters=8, n_init=1, random_state=0), lambda m, x, y: m.inertia_),
        "PCA": (lambda: PCA(n_components=2), lambda m, x, y: float(m.explained_variance_ratio_.sum())),
    }


def run(x, y, n_jobs, reps):
    out = {}
    for name, (make, quality) in fits(n_jobs).items():
        best, q = float("inf"), None
        for _ in range(reps):
            m = make()
            t = time.perf_counter()
            m.fit(x, y) if name != "KMeans" and name != "PCA" else m.fit(x)
            best = min(best, (time.perf_counter() - t) * 1000)
            q = float(quality(m, x, y))
        out[name] = {"ms": best, "quality": q}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--cols", type=int, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=1)
    a = ap.parse_args()
    x, y = make_data(a.rows, a.cols)
    os.makedirs(a.out, exist_ok=True)
    x.tofile(os.path.join(a.out, "x.f32"))
    y.tofile(os.path.join(a.out, "y.f32"))
    # scikit-learn fits float64 copies of float32 input for some models; time that as it comes.
    with threadpool_limits(limits=1):
        one = run(x, y, 1, a.reps)
    every = run(x, y, -1, a.reps)
    import sklearn
    print(json.dumps({"sklearn": sklearn.__version__, "cores": os.cpu_count(), "oneThread": one, "allCores": every}))


if __name__ == "__main__":
    main()
