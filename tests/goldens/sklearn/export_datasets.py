"""Writes the tabular sample data sets shipped in crates/data/assets/tabular/ (run by hand).

    .venv-sklearn/bin/python tests/goldens/sklearn/export_datasets.py

iris, wine, breast_cancer, diabetes and digits are the copies scikit-learn ships (see
crates/data/assets/tabular/LICENSE.md). `rare_events.csv` is *generated* (no package ships a
real rare-positive data set that can be bundled without a download): scikit-learn's
make_classification with 2% positives, documented below, so the workbench can show the
accuracy trap.
"""
import csv
import pathlib

import numpy as np
from sklearn import datasets

OUT = pathlib.Path(__file__).resolve().parents[3] / "crates" / "data" / "assets" / "tabular"


def fmt(v):
    # Shortest text that round-trips the float64 (the data sets' own decimals come back).
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)


def write(name, feature_names, x, target_name, y, target_labels=None):
    path = OUT / f"{name}.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(feature_names) + [target_name])
        for row, t in zip(x, y):
            label = target_labels[int(t)] if target_labels is not None else fmt(t)
            w.writerow([fmt(v) for v in row] + [label])
    print(f"{path}: {len(y)} rows × {len(feature_names) + 1} columns")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    d = datasets.load_iris()
    write("iris", d.feature_names, d.data, "species", d.target, list(d.target_names))
    d = datasets.load_wine()
    write("wine", d.feature_names, d.data, "cultivar", d.target, [f"class_{i}" for i in range(3)])
    d = datasets.load_breast_cancer()
    write("breast_cancer", d.feature_names, d.data, "diagnosis", d.target, list(d.target_names))
    # The scaled copy scikit-learn ships (each feature centred, unit L2 norm).
    d = datasets.load_diabetes()
    write("diabetes", d.feature_names, d.data, "progression", d.target)
    d = datasets.load_digits()
    write("digits", [f"pixel_{i}" for i in range(64)], d.data, "digit", d.target)
    # Rare events: 5,000 rows, 12 features (6 informative, 3 redundant), 2% positives, 1% of
    # labels flipped; the column names say what they are.
    x, y = datasets.make_classification(
        n_samples=5000, n_features=12, n_informative=6, n_redundant=3, weights=[0.98, 0.02],
        flip_y=0.01, class_sep=1.0, random_state=7,
    )
    x = np.round(x, 4)
    write("rare_events", [f"feature_{i}" for i in range(12)], x, "is_positive", y)


if __name__ == "__main__":
    main()
