"""Golden values for crates/ml/src/metrics (scikit-learn 1.5): writes tests/fixtures/sklearn/metrics.json,
read by crates/ml/tests/sklearn_metrics.rs.

Each case stores its inputs (labels, scores — rounded so that ties occur, which is where the ROC and
precision-recall curves are easiest to get wrong) and scikit-learn's outputs. recall_at_precision and
threshold_report are webgrad's own; their values come from the plain numpy definitions below.
JSON has no infinity, so +inf (the first ROC threshold, "no threshold qualifies") is the string "inf".

Run with the scikit-learn venv: .venv-sklearn/bin/python tests/goldens/sklearn/gen_metrics.py
"""
import pathlib
import sys

import numpy as np
import sklearn
from sklearn import metrics as skm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import common  # noqa: E402

assert sklearn.__version__.startswith("1.5"), sklearn.__version__


def inf_safe(v):
    """A list of floats with +inf as "inf"."""
    return ["inf" if x == np.inf else float(x) for x in np.asarray(v, dtype=np.float64)]


def recall_at_precision(y, s, min_precision):
    """Best recall over the distinct thresholds t (predict s >= t) whose precision >= min_precision;
    on equal recall the highest threshold; (0, inf) when none qualifies."""
    positives = np.sum(y == 1)
    best = (0.0, np.inf)
    for t in np.unique(s)[::-1]:
        pred = s >= t
        tp, fp = np.sum(pred & (y == 1)), np.sum(pred & (y != 1))
        precision, recall = tp / (tp + fp), tp / positives
        if precision >= min_precision and recall > best[0]:
            best = (float(recall), float(t))
    return best


def threshold_report(y, s, threshold, cost_fn, cost_fp):
    pred, pos = s >= threshold, y == 1
    tp, fp = int(np.sum(pred & pos)), int(np.sum(pred & ~pos))
    tn, fn = int(np.sum(~pred & ~pos)), int(np.sum(~pred & pos))
    return {
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "cost": cost_fn * fn + cost_fp * fp,
    }


def label_metrics(y, p, w):
    """Everything computed from labels alone (binary or multiclass)."""
    out = {
        "accuracy": skm.accuracy_score(y, p),
        "accuracy_weighted": skm.accuracy_score(y, p, sample_weight=w),
        "ari": skm.adjusted_rand_score(y, p),
    }
    for avg in ["micro", "macro", "weighted"]:
        out[avg] = list(skm.precision_recall_fscore_support(y, p, average=avg)[:3])
    pr, rc, f, s = skm.precision_recall_fscore_support(y, p, average=None)
    out["per_class"] = {"labels": np.unique(np.r_[y, p]), "precision": pr, "recall": rc, "f1": f, "support": s}
    labels = np.unique(np.r_[y, p])
    out["confusion"] = skm.confusion_matrix(y, p)
    # A reordered subset of labels: rows and columns follow it, other samples drop out.
    sub = labels[::-1][: max(1, len(labels) - 1)]
    out["confusion_sub"] = {"labels": sub, "matrix": skm.confusion_matrix(y, p, labels=sub)}
    yi, pi = y.astype(np.int64), p.astype(np.int64)  # integer labels print as "0", as in JS
    out["report_text"] = skm.classification_report(yi, pi, digits=2)
    out["report_text_4"] = skm.classification_report(yi, pi, digits=4)
    return out


def binary_case(name, y, score, pos_label=1.0, proba=True):
    y, score = np.asarray(y, dtype=np.float64), np.asarray(score, dtype=np.float64)
    cut = 0.5 if proba else 0.0
    labels = np.unique(y)
    neg = labels[0] if labels[-1] == pos_label else labels[-1]
    pred = np.where(score >= cut, pos_label, neg)
    w = np.random.default_rng(len(y)).uniform(0, 2, len(y)).round(3)
    case = {"name": name, "kind": "binary", "y_true": y, "y_score": score, "y_pred": pred, "pos_label": pos_label, "weights": w}
    case.update(label_metrics(y, pred, w))
    case["binary"] = list(skm.precision_recall_fscore_support(y, pred, average="binary", pos_label=pos_label)[:3])
    for drop in [True, False]:
        fpr, tpr, thr = skm.roc_curve(y, score, pos_label=pos_label, drop_intermediate=drop)
        case[f"roc_{drop}"] = {"fpr": fpr, "tpr": tpr, "thresholds": inf_safe(thr)}
        pp, rr, tt = skm.precision_recall_curve(y, score, pos_label=pos_label, drop_intermediate=drop)
        case[f"pr_{drop}"] = {"precision": pp, "recall": rr, "thresholds": tt}
    case["roc_auc"] = skm.roc_auc_score(y, score)  # positive = the larger label
    case["average_precision"] = skm.average_precision_score(y, score, pos_label=pos_label)
    if proba:
        case["log_loss"] = skm.log_loss(y, score)  # score = P(larger label)
    if set(labels) <= {0.0, 1.0}:
        case["recall_at_precision"] = [
            {"min": m, "result": inf_safe(recall_at_precision(y, score, m))} for m in [0.0, 0.3, 0.5, 0.8, 0.95, 1.0]
        ]
        case["threshold_report"] = [
            {"threshold": t, "cost_fn": 5.0, "cost_fp": 1.0, "result": threshold_report(y, score, t, 5.0, 1.0)}
            for t in np.quantile(score, [0.0, 0.1, 0.5, 0.9, 1.0]).tolist() + [cut, 2.0]
        ]
    return case


def multiclass_case(name, y, proba, classes, extra_labels=None):
    y, proba = np.asarray(y, dtype=np.float64), np.asarray(proba, dtype=np.float64)
    pred = np.asarray(classes, dtype=np.float64)[np.argmax(proba, axis=1)]
    w = np.random.default_rng(len(y)).uniform(0, 2, len(y)).round(3)
    case = {"name": name, "kind": "multiclass", "y_true": y, "y_pred": pred, "y_proba": proba, "weights": w}
    case.update(label_metrics(y, pred, w))
    if extra_labels is None:
        case["roc_auc_ovr"] = skm.roc_auc_score(y, proba, multi_class="ovr", average="macro")
        case["log_loss"] = skm.log_loss(y, proba)
    else:
        case["log_loss_labels"] = {"labels": extra_labels, "value": skm.log_loss(y, proba, labels=extra_labels)}
    return case


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def standardise(x):
    return (x - x.mean(axis=0)) / x.std(axis=0)


cases = []
rng = np.random.default_rng(0)

# The example of scikit-learn's precision_recall_curve docstring, and a tiny set with heavy ties.
cases.append(binary_case("docstring", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
cases.append(binary_case("ties_small", [0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0], [0.1, 0.4, 0.4, 0.8, 0.4, 0.4, 0.1, 0.8, 0.35, 0.6, 0.6, 0.6]))

# Probabilities of exactly 0 and 1, some wrong: log_loss's clipping to [eps, 1 - eps] decides the value.
cases.append(binary_case("certain", [0, 1, 1, 0, 1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.25]))
y = (rng.random(200) < 0.4).astype(float)
cases.append(binary_case("random_binary", y, np.clip(0.3 * y + rng.uniform(0, 0.7, 200), 0, 1).round(2)))
y = (rng.random(80) < 0.3).astype(float)
cases.append(binary_case("constant_pred", y, np.full(80, 0.2)))  # one threshold, zero divisions
y = rng.choice([2.0, 7.0], 60)
cases.append(binary_case("labels_2_7", y, ((y == 7) * 0.2 + rng.uniform(0, 0.8, 60)).round(1), pos_label=7.0))
cases.append(binary_case("labels_2_7_pos2", y, ((y == 2) * 0.2 + rng.uniform(0, 0.8, 60)).round(1), pos_label=2.0, proba=False))
y = (rng.random(150) < 0.5).astype(float)
cases.append(binary_case("decision_scores", y, (2 * y - 1 + rng.normal(0, 1.5, 150)).round(1), proba=False))

# Shipped data sets with scores from fixed linear formulas of the standardised features.
x, y, _ = common.load("breast_cancer")
z = standardise(x)
cases.append(binary_case("breast_cancer", y, sigmoid(3 * z[:, [0, 1, 6, 7, 20, 22, 27]].mean(axis=1)).round(3)))
x, y, _ = common.load("rare_events")
z = standardise(x)
corr = np.array([np.corrcoef(z[:, j], y)[0, 1] for j in range(z.shape[1])])
cases.append(binary_case("rare_events", y, sigmoid(5 * z @ corr - 4).round(3)))

classes = [0.0, 1.0, 2.0, 5.0]
proba = rng.dirichlet([1.0] * 4, 300)
y = np.array(classes)[np.argmax(proba + rng.uniform(0, 0.6, (300, 4)), axis=1)]
cases.append(multiclass_case("random_multiclass", y, proba, classes))
proba = rng.dirichlet([2.0, 1.0, 0.3], 40)  # class 2 is rarely predicted
y = rng.choice([0.0, 1.0, 2.0], 40)
cases.append(multiclass_case("rare_prediction", y, proba, [0.0, 1.0, 2.0]))
y = rng.choice([0.0, 1.0], 30)  # class 2 is absent from y_true: log_loss needs labels
cases.append(multiclass_case("missing_class", y, rng.dirichlet([1.0] * 3, 30), [0.0, 1.0, 2.0], extra_labels=[0.0, 1.0, 2.0]))

onehot = np.eye(3)[[0, 1, 2, 0, 1, 2, 2, 0]]  # certain, two of them wrong
cases.append(multiclass_case("certain_multiclass", [0, 1, 2, 0, 2, 1, 2, 0], onehot, [0.0, 1.0, 2.0]))

x, y, _ = common.load("diabetes")
m = y.mean()
regression = [("diabetes", y, (m + 0.5 * (y - m) + rng.normal(0, 30, len(y))).round(1)),
              ("constant_exact", np.full(5, 3.0), np.full(5, 3.0)),
              ("constant_missed", np.full(5, 3.0), np.array([3.0, 3, 3, 3, 4]))]
for name, yt, yp in regression:
    cases.append({"name": name, "kind": "regression", "y_true": yt, "y_pred": yp,
                  "mae": skm.mean_absolute_error(yt, yp), "mse": skm.mean_squared_error(yt, yp), "r2": skm.r2_score(yt, yp)})

clusterings = [
    ("permuted", [0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9]),
    ("one_cluster_each", [1, 1, 1, 1], [2, 2, 2, 2]),
    ("singletons", [0, 1, 2, 3], [3, 2, 1, 0]),
    ("split_vs_whole", [0, 0, 0, 0], [0, 1, 2, 3]),
    ("random", rng.integers(0, 4, 500).tolist(), rng.integers(0, 6, 500).tolist()),
]
for name, a, b in clusterings:
    cases.append({"name": name, "kind": "clustering", "labels_true": a, "labels_pred": b, "ari": skm.adjusted_rand_score(a, b)})

common.write("metrics", cases)
