"""scikit-learn fixtures for compute_class_weight (run by hand):

    .venv-sklearn/bin/python tests/goldens/sklearn/gen_class_weight.py

The weights the network's loss gets from wg.ml.computeClassWeight; deterministic, so they
must match to rounding.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from common import load, write


def main():
    cases = []
    for dataset in ["iris", "wine", "breast_cancer", "rare_events"]:
        _, y, _ = load(dataset)
        classes = np.unique(y)
        cases.append({"what": f"{dataset} balanced", "classWeight": "balanced", "classes": classes, "y": y,
                      "weights": compute_class_weight("balanced", classes=classes, y=y)})
    y = np.array([0.0, 0, 0, 1, 2, 2])
    classes = np.array([0.0, 1, 2])
    cases.append({"what": "explicit map", "classWeight": {"1": 5.0}, "classes": classes, "y": y,
                  "weights": compute_class_weight({1: 5.0}, classes=classes, y=y)})
    cases.append({"what": "none", "classWeight": None, "classes": classes, "y": y,
                  "weights": compute_class_weight(None, classes=classes, y=y)})
    write("class_weight", cases)


if __name__ == "__main__":
    main()
