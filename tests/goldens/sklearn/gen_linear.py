"""Goldens for crates/ml/tests/sklearn_linear.rs: linear models, logistic regression, Gaussian
naive Bayes, scalers and PCA fitted by scikit-learn 1.5 on the shipped samples.

Run with the scikit-learn venv:  python tests/goldens/sklearn/gen_linear.py
Writes tests/fixtures/sklearn/linear.json. Each case names the estimator, the data set, whether X
is standardised first (StandardScaler on both sides), the camelCase params the Rust side
deserialises, the matching scikit-learn keyword arguments, and what scikit-learn computed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, StandardScaler  # noqa: E402

import common  # noqa: E402

assert sklearn.__version__.startswith("1.5"), sklearn.__version__

CLASSES = {
    "LinearRegression": LinearRegression,
    "Ridge": Ridge,
    "Lasso": Lasso,
    "LogisticRegression": LogisticRegression,
    "GaussianNB": GaussianNB,
    "StandardScaler": StandardScaler,
    "MinMaxScaler": MinMaxScaler,
    "PCA": PCA,
}

# scikit-learn attribute (without "_") -> camelCase name the Rust estimator reports.
ATTRIBUTES = {
    "LinearRegression": ["coef", "intercept", "rank", "singular"],
    "Ridge": ["coef", "intercept"],
    "Lasso": ["coef", "intercept", "n_iter", "dual_gap"],
    "LogisticRegression": ["classes", "coef", "intercept", "n_iter"],
    "GaussianNB": ["classes", "class_count", "class_prior", "theta", "var", "epsilon"],
    "StandardScaler": ["mean", "var", "scale", "n_samples_seen"],
    "MinMaxScaler": ["data_min", "data_max", "data_range", "scale", "min"],
    "PCA": ["components", "explained_variance", "explained_variance_ratio", "singular_values", "mean", "n_components", "noise_variance"],
}


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def case(estimator, dataset, params, standardise=False, **kwargs):
    """Fit scikit-learn's estimator(**kwargs); `params` is the same configuration in camelCase."""
    x, y, _ = common.load(dataset)
    if standardise:
        x = StandardScaler().fit_transform(x)
    model = CLASSES[estimator](**kwargs)
    model.fit(x, y)
    # About 20 rows spread over the data set (the samples are sorted by class in places).
    rows = list(range(0, len(x), max(1, len(x) // 20)))
    out = {"estimator": estimator, "dataset": dataset, "standardise": standardise, "params": params, "sklearn": repr(kwargs), "rows": rows}
    attrs = {}
    for a in ATTRIBUTES[estimator]:
        v = getattr(model, a + "_", None)
        if v is not None:
            attrs[camel(a)] = v
    out["attributes"] = attrs
    if hasattr(model, "predict"):
        out["predict"] = model.predict(x[rows])
        out["score"] = model.score(x, y)
    if hasattr(model, "predict_proba"):
        out["predictProba"] = model.predict_proba(x[rows])
    if hasattr(model, "transform"):
        out["transform"] = model.transform(x[rows])
    return out


TIGHT = {"tol": 1e-10, "max_iter": 10000}
TIGHT_JS = {"tol": 1e-10, "maxIter": 10000}

cases = [
    case("LinearRegression", "diabetes", {}),
    case("LinearRegression", "wine", {"fitIntercept": False}, fit_intercept=False),
    case("Ridge", "diabetes", {}),
    case("Ridge", "diabetes", {"alpha": 0.01, "fitIntercept": False}, alpha=0.01, fit_intercept=False),
    case("Ridge", "wine", {"alpha": 10.0}, alpha=10.0),
    case("Lasso", "diabetes", {}),
    case("Lasso", "diabetes", {"alpha": 0.05}, alpha=0.05),
    case("Lasso", "wine", {"alpha": 0.01, "maxIter": 5000}, standardise=True, alpha=0.01, max_iter=5000),
    # Logistic regression. The default tol (1e-4 on the gradient) stops L-BFGS at a point that
    # depends on the exact path; the tight cases (tol 1e-10) reach the unique optimum, so the
    # coefficients themselves can be compared.
    case("LogisticRegression", "breast_cancer", {}, standardise=True),
    case("LogisticRegression", "breast_cancer", TIGHT_JS, standardise=True, **TIGHT),
    case("LogisticRegression", "iris", TIGHT_JS, standardise=True, **TIGHT),
    case("LogisticRegression", "iris", {}, standardise=True),
    case("LogisticRegression", "wine", {"C": 0.1, "fitIntercept": False, **TIGHT_JS}, standardise=True, C=0.1, fit_intercept=False, **TIGHT),
    case("LogisticRegression", "wine", {"solver": "newton-cg", **TIGHT_JS}, standardise=True, solver="newton-cg", **TIGHT),
    case("LogisticRegression", "rare_events", {"classWeight": "balanced", **TIGHT_JS}, standardise=True, class_weight="balanced", **TIGHT),
    case("LogisticRegression", "rare_events", {"penalty": None, **TIGHT_JS}, standardise=True, penalty=None, **TIGHT),
    case("LogisticRegression", "iris", {"solver": "newton-cholesky", "classWeight": "balanced", **TIGHT_JS}, standardise=True,
         solver="newton-cholesky", class_weight="balanced", **TIGHT),
    case("LogisticRegression", "breast_cancer", {"solver": "newton-cholesky", "C": 10.0, "classWeight": {"0": 2.0}, **TIGHT_JS},
         standardise=True, solver="newton-cholesky", C=10.0, class_weight={0.0: 2.0}, **TIGHT),
    case("LogisticRegression", "digits", {"C": 0.05, **TIGHT_JS}, standardise=True, C=0.05, **TIGHT),
    case("GaussianNB", "iris", {}),
    case("GaussianNB", "wine", {"priors": [0.5, 0.3, 0.2]}, priors=[0.5, 0.3, 0.2]),
    case("GaussianNB", "breast_cancer", {"varSmoothing": 1e-5}, var_smoothing=1e-5),
    case("StandardScaler", "wine", {}),
    case("StandardScaler", "digits", {}),  # constant pixels: scale 1
    case("StandardScaler", "diabetes", {"withMean": False}, with_mean=False),
    case("MinMaxScaler", "wine", {"featureRange": [-1, 1]}, feature_range=(-1, 1)),
    case("MinMaxScaler", "digits", {}),
    case("PCA", "wine", {"svdSolver": "full"}, svd_solver="full"),
    case("PCA", "wine", {"nComponents": 0.8, "svdSolver": "full"}, standardise=True, n_components=0.8, svd_solver="full"),
    case("PCA", "digits", {"nComponents": 10, "svdSolver": "full"}, n_components=10, svd_solver="full"),
    case("PCA", "digits", {"nComponents": 5, "whiten": True, "svdSolver": "full"}, n_components=5, whiten=True, svd_solver="full"),
    # The default ("auto") picks covariance_eigh for these tall tables, on both sides.
    case("PCA", "wine", {"nComponents": 5}, standardise=True, n_components=5),
    case("PCA", "digits", {"nComponents": 10}, n_components=10),
    case("PCA", "diabetes", {}),
]

common.write("linear", cases)
