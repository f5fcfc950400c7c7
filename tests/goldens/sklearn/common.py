"""Shared by the scikit-learn fixture generators: load a shipped CSV exactly as the Rust tests do
(crates/ml/tests/common/mod.rs) and write fixtures as JSON."""
import csv
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[3]
TABULAR = ROOT / "crates" / "data" / "assets" / "tabular"
FIXTURES = ROOT / "tests" / "fixtures" / "sklearn"


def load(name):
    """X (float64, every column but the last) and y (the last column). Text labels become the
    index of the label among the sorted distinct labels (np.unique order); numbers stay numbers."""
    with (TABULAR / f"{name}.csv").open() as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    x = np.array([[float(v) for v in r[:-1]] for r in body], dtype=np.float64)
    raw = [r[-1] for r in body]
    try:
        y = np.array([float(v) for v in raw], dtype=np.float64)
    except ValueError:
        labels = sorted(set(raw))
        y = np.array([float(labels.index(v)) for v in raw], dtype=np.float64)
    return x, y, header


def split(n, seed=0):
    """A seeded 3/4 : 1/4 split of row indices (train, test), as the Rust tests replay it."""
    idx = np.random.default_rng(seed).permutation(n)
    cut = n * 3 // 4
    return idx[:cut], idx[cut:]


def clean(v):
    """numpy values -> JSON-able lists of floats."""
    if isinstance(v, np.ndarray):
        return v.astype(np.float64).tolist()
    if isinstance(v, (np.floating, np.integer)):
        return float(v)
    if isinstance(v, dict):
        return {k: clean(w) for k, w in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(w) for w in v]
    return v


def write(area, cases):
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / f"{area}.json"
    with path.open("w") as f:
        f.write("[\n" + ",\n".join(json.dumps(clean(c)) for c in cases) + "\n]\n")
    print(f"{path}: {len(cases)} cases")
