#!/usr/bin/env python3
"""Generate tests/fixtures/goldens.json: PyTorch reference results for webgrad's ops.

Inputs are drawn as float32 values (fixed seed), then every op is evaluated by torch in
float64 on the CPU, forward and backward. Outputs and gradients are rounded once, to the
nearest float32, and written with the shortest decimal that round-trips that float32. So each
fixture number is the correctly rounded float32 of the exact (float64) answer for the exact
float32 inputs.

Usage (see README.md beside this file):
    python3 -m venv .venv-goldens && .venv-goldens/bin/pip install torch numpy
    .venv-goldens/bin/python tests/goldens/gen_goldens.py

Case format: see README.md.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240607
rng = np.random.default_rng(SEED)
torch.set_grad_enabled(True)

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "goldens.json")

# ---------------------------------------------------------------------------
# random data helpers (all return float32 numpy arrays)


def shape_size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def uniform(shape, lo, hi):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def normal(shape, scale=1.0):
    return (rng.standard_normal(size=shape) * scale).astype(np.float32)


def away_from_zero(shape, lo=0.1, hi=2.0):
    """|x| in [lo, hi] with a random sign: keeps kinks (abs, relu) and poles (recip) away."""
    mag = rng.uniform(lo, hi, size=shape)
    sign = np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)
    return (mag * sign).astype(np.float32)


def coarse(shape):
    """Values on a coarse grid, so comparisons see plenty of exact ties."""
    return (rng.integers(-2, 3, size=shape) * 0.5).astype(np.float32)


def ints(shape, lo, hi):
    return rng.integers(lo, hi, size=shape).astype(np.int32)


def f32(arr, grad=True):
    return {"arr": np.asarray(arr, dtype=np.float32), "dtype": "f32", "grad": grad}


def i32(arr):
    return {"arr": np.asarray(arr, dtype=np.int32), "dtype": "i32", "grad": False}


# ---------------------------------------------------------------------------
# serialisation


def f32_list(arr):
    """Round to float32, then shortest round-trip decimal of that float32."""
    a = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError("non-finite value in fixture")
    a32 = a.astype(np.float32).reshape(-1)
    return [float(str(v)) for v in a32]


def tensor_json(arr):
    arr = np.asarray(arr)
    return {"shape": list(arr.shape), "data": f32_list(arr)}


CASES = []
NAMES = set()


def case(name, op, args, inputs, fn):
    """Run fn on torch float64 versions of inputs; record forward + backward."""
    if name in NAMES:
        raise ValueError("duplicate case name " + name)
    NAMES.add(name)
    tensors = []
    for inp in inputs:
        if inp["dtype"] == "f32":
            t = torch.tensor(inp["arr"].astype(np.float64), dtype=torch.float64, requires_grad=inp["grad"])
        else:
            t = torch.tensor(inp["arr"].astype(np.int64), dtype=torch.int64)
        tensors.append(t)
    used = list(tensors)
    if args.get("transpose_input"):
        used[0] = used[0].transpose(-1, -2)
    out = fn(*used)
    any_grad = any(inp["grad"] for inp in inputs)
    entry = {
        "name": name,
        "op": op,
        "args": args,
        "inputs": [],
        "output": tensor_json(out.detach().double().numpy()),
        "upstream": None,
        "grads": [None] * len(inputs),
    }
    for inp in inputs:
        arr = inp["arr"]
        data = [int(v) for v in arr.reshape(-1)] if inp["dtype"] == "i32" else f32_list(arr)
        entry["inputs"].append({"shape": list(arr.shape), "data": data, "dtype": inp["dtype"], "grad": inp["grad"]})
    if any_grad:
        w = normal(tuple(out.shape))
        entry["upstream"] = tensor_json(w)
        loss = (out * torch.tensor(w.astype(np.float64))).sum()
        loss.backward()
        for i, (inp, t) in enumerate(zip(inputs, tensors)):
            if inp["grad"]:
                g = t.grad if t.grad is not None else torch.zeros_like(t)
                entry["grads"][i] = tensor_json(g.numpy())
    CASES.append(entry)


# ---------------------------------------------------------------------------
# unary

UNARY = {
    # op: (torch fn, input generator)
    "neg": (torch.neg, lambda s: normal(s)),
    "exp": (torch.exp, lambda s: uniform(s, -3, 3)),
    "log": (torch.log, lambda s: uniform(s, 0.2, 4)),
    "sqrt": (torch.sqrt, lambda s: uniform(s, 0.2, 4)),
    "abs": (torch.abs, lambda s: away_from_zero(s)),
    "relu": (torch.relu, lambda s: away_from_zero(s)),
    "sigmoid": (torch.sigmoid, lambda s: uniform(s, -5, 5)),
    "tanh": (torch.tanh, lambda s: uniform(s, -3, 3)),
    "gelu": (lambda x: F.gelu(x), lambda s: uniform(s, -4, 4)),
    "sin": (torch.sin, lambda s: uniform(s, -4, 4)),
    "cos": (torch.cos, lambda s: uniform(s, -4, 4)),
    "square": (torch.square, lambda s: normal(s)),
    "erf": (torch.erf, lambda s: uniform(s, -2.5, 2.5)),
    "recip": (torch.reciprocal, lambda s: away_from_zero(s, 0.3, 3)),
}

for op, (fn, gen) in UNARY.items():
    case(f"{op}_1d_odd", op, {}, [f32(gen((7,)))], fn)
    case(f"{op}_2d", op, {}, [f32(gen((2, 3)))], fn)
    case(f"{op}_size1_dims", op, {}, [f32(gen((3, 1, 4)))], fn)
    case(f"{op}_scalar", op, {}, [f32(gen(()))], fn)
    case(f"{op}_transposed", op, {"transpose_input": True}, [f32(gen((3, 5)))], fn)
    case(f"{op}_long", op, {}, [f32(gen((67,)))], fn)

# wide-range cases for functions whose approximations tend to break at the tails
case("exp_wide", "exp", {}, [f32(uniform((24,), -20, 20))], torch.exp)
case("sigmoid_wide", "sigmoid", {}, [f32(uniform((24,), -30, 30))], torch.sigmoid)
case("tanh_wide", "tanh", {}, [f32(uniform((24,), -12, 12))], torch.tanh)
case("gelu_wide", "gelu", {}, [f32(uniform((24,), -10, 10))], lambda x: F.gelu(x))
case("erf_wide", "erf", {}, [f32(uniform((24,), -6, 6))], torch.erf)
case("log_wide", "log", {}, [f32(np.exp(uniform((24,), -12, 12)))], torch.log)
case("sin_wide", "sin", {}, [f32(uniform((24,), -30, 30))], torch.sin)
case("cos_wide", "cos", {}, [f32(uniform((24,), -30, 30))], torch.cos)

# ---------------------------------------------------------------------------
# binary (broadcasting)


def pow_base(s):
    return uniform(s, 0.3, 2.5)


BINARY = {
    "add": (torch.add, normal, normal),
    "sub": (torch.sub, normal, normal),
    "mul": (torch.mul, normal, normal),
    "div": (torch.div, normal, lambda s: away_from_zero(s, 0.4, 2.5)),
    "pow": (torch.pow, pow_base, lambda s: uniform(s, -2, 2.5)),
    "maximum": (torch.maximum, normal, normal),
    "minimum": (torch.minimum, normal, normal),
}
BINARY_SHAPES = [
    ("same", (2, 3), (2, 3)),
    ("row", (2, 3), (3,)),
    ("outer", (4, 1), (1, 5)),
    ("rank3", (2, 1, 3), (4, 1)),
    ("scalar_rhs", (2, 3), ()),
    ("scalar_lhs", (), (3, 2)),
    ("size1_both", (1, 3, 1), (2, 1, 5)),
    ("odd_long", (37,), (37,)),
]
for op, (fn, ga, gb) in BINARY.items():
    for tag, sa, sb in BINARY_SHAPES:
        case(f"{op}_{tag}", op, {}, [f32(ga(sa)), f32(gb(sb))], fn)
    # non-contiguous lhs: [3,4] transposed -> [4,3], broadcast with [3]
    case(f"{op}_transposed", op, {"transpose_input": True}, [f32(ga((3, 4))), f32(gb((3,)))], fn)
    case(f"{op}_transposed_full", op, {"transpose_input": True}, [f32(ga((2, 3, 4))), f32(gb((2, 4, 3)))], fn)

# comparisons: coarse grid so ties are present; no gradients.
COMPARE = {"eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}
for op, fn in COMPARE.items():
    f = (lambda fn: lambda a, b: fn(a, b).double())(fn)
    case(f"{op}_same", op, {}, [f32(coarse((3, 4)), False), f32(coarse((3, 4)), False)], f)
    case(f"{op}_broadcast", op, {}, [f32(coarse((2, 1, 3)), False), f32(coarse((4, 1)), False)], f)
    case(f"{op}_scalar_rhs", op, {}, [f32(coarse((5,)), False), f32(coarse(()), False)], f)
    case(f"{op}_transposed", op, {"transpose_input": True}, [f32(coarse((3, 4)), False), f32(coarse((3,)), False)], f)


def where_fn(c, a, b):
    return torch.where(c != 0, a, b)


def cond(shape):
    return f32((rng.uniform(size=shape) < 0.5).astype(np.float32), False)


case("where_same", "where", {}, [cond((3, 4)), f32(normal((3, 4))), f32(normal((3, 4)))], where_fn)
case("where_broadcast", "where", {}, [cond((2, 1, 3)), f32(normal((4, 3))), f32(normal((2, 4, 1)))], where_fn)
case("where_scalar_branch", "where", {}, [cond((5,)), f32(normal((5,))), f32(normal(()))], where_fn)
case("where_cond_broadcast", "where", {}, [cond((1, 4)), f32(normal((3, 4))), f32(normal((3, 4)))], where_fn)
case("where_odd", "where", {}, [cond((29,)), f32(normal((29,))), f32(normal((29,)))], where_fn)

# ---------------------------------------------------------------------------
# reductions


def red_dims(x, axes):
    return tuple(range(x.dim())) if axes is None else tuple(axes)


REDUCE = {
    "sum": lambda x, axes, k: torch.sum(x, dim=red_dims(x, axes), keepdim=k),
    "mean": lambda x, axes, k: torch.mean(x, dim=red_dims(x, axes), keepdim=k),
    "max": lambda x, axes, k: torch.amax(x, dim=red_dims(x, axes), keepdim=k),
    "min": lambda x, axes, k: torch.amin(x, dim=red_dims(x, axes), keepdim=k),
    "logsumexp": lambda x, axes, k: torch.logsumexp(x, dim=red_dims(x, axes), keepdim=k),
}
REDUCE_CASES = [
    ("mid", (2, 3, 4), [1], False, False),
    ("two_axes_keep", (2, 3, 4), [0, 2], True, False),
    ("all", (2, 3, 4), None, False, False),
    ("all_keep", (1, 7), None, True, False),
    ("neg_axis_keep", (3, 5), [-1], True, False),
    ("1d", (5,), [0], False, False),
    ("size1_axis", (3, 1, 4), [1], False, False),
    ("long_rows", (3, 97), [1], False, False),
    ("long_cols", (41, 3), [0], True, False),
    ("transposed", (3, 5), [1], False, True),
]
for op, fn in REDUCE.items():
    for tag, shape, axes, keep, tr in REDUCE_CASES:
        args = {"axes": axes, "keepdim": keep}
        if tr:
            args["transpose_input"] = True
        f = (lambda fn, axes, keep: lambda x: fn(x, axes, keep))(fn, axes, keep)
        case(f"{op}_{tag}", op, args, [f32(normal(shape))], f)

case("logsumexp_large", "logsumexp", {"axes": [1], "keepdim": False},
     [f32(uniform((3, 6), 60, 120))], lambda x: torch.logsumexp(x, dim=1))
case("logsumexp_very_negative", "logsumexp", {"axes": [0], "keepdim": True},
     [f32(uniform((5, 2), -120, -60))], lambda x: torch.logsumexp(x, dim=0, keepdim=True))

for correction in (0, 1):
    for tag, shape, axes, keep, tr in REDUCE_CASES:
        if tag == "size1_axis":
            if correction == 1:
                continue  # variance of one sample with correction 1 is nan
        args = {"axes": axes, "keepdim": keep, "correction": correction}
        if tr:
            args["transpose_input"] = True
        f = (lambda axes, keep, c: lambda x: torch.var(x, dim=red_dims(x, axes), correction=c, keepdim=keep))(
            axes, keep, correction)
        case(f"var_c{correction}_{tag}", "var", args, [f32(normal(shape))], f)
case("var_offset_mean", "var", {"axes": [1], "keepdim": False, "correction": 1},
     [f32(normal((2, 16), 0.1) + 100.0)], lambda x: torch.var(x, dim=1, correction=1))

ARGMAX_CASES = [
    ("rows", (2, 5), 1, False, False),
    ("axis0_keep", (3, 4, 2), 0, True, False),
    ("1d", (6,), 0, False, False),
    ("neg_axis", (2, 3, 4), -1, False, False),
    ("mid_keep", (2, 5, 3), 1, True, False),
    ("long", (2, 77), 1, False, False),
    ("transposed", (3, 4), 1, False, True),
]
for tag, shape, axis, keep, tr in ARGMAX_CASES:
    args = {"axis": axis, "keepdim": keep}
    if tr:
        args["transpose_input"] = True
    f = (lambda axis, keep: lambda x: torch.argmax(x, dim=axis, keepdim=keep).double())(axis, keep)
    case(f"argmax_{tag}", "argmax", args, [f32(normal(shape), False)], f)

# ---------------------------------------------------------------------------
# matmul

MATMUL_CASES = [
    ("2d", (2, 3), (3, 4), False),
    ("2d_outer", (4, 1), (1, 3), False),
    ("2d_inner1", (1, 5), (5, 1), False),
    ("batched", (2, 3, 4), (2, 4, 5), False),
    ("broadcast_batch", (2, 1, 3, 4), (3, 4, 5), False),
    ("broadcast_2d_rhs", (3, 2, 5), (5, 3), False),
    ("broadcast_2d_lhs", (4, 5), (2, 5, 3), False),
    ("odd", (7, 9), (9, 5), False),
    ("transposed_lhs", (5, 3), (5, 2), True),
    ("transposed_batched", (2, 4, 3), (2, 4, 6), True),
    ("large", (33, 65), (65, 17), False),
    ("large_square", (40, 40), (40, 40), False),
    ("large_batched", (2, 17, 31), (2, 31, 19), False),
]
for tag, sa, sb, tr in MATMUL_CASES:
    args = {"transpose_input": True} if tr else {}
    case(f"matmul_{tag}", "matmul", args, [f32(normal(sa)), f32(normal(sb))], torch.matmul)

# ---------------------------------------------------------------------------
# structural ops

for tag, shape, new, tr in [
    ("merge", (2, 3, 4), [6, 4], False),
    ("split", (6,), [2, 1, 3], False),
    ("drop1", (1, 5), [5], False),
    ("to_scalar", (1, 1), [], False),
    ("transposed_flatten", (3, 4), [12], True),
    ("transposed_regroup", (2, 3, 4), [2, 2, 6], True),
]:
    args = {"shape": new}
    if tr:
        args["transpose_input"] = True
    case(f"reshape_{tag}", "reshape", args, [f32(normal(shape))],
         (lambda new: lambda x: x.reshape(new))(new))

for tag, shape, d0, d1 in [
    ("2d", (2, 3), 0, 1),
    ("outer", (2, 3, 4), 0, 2),
    ("inner", (2, 3, 4), 1, 2),
    ("size1", (1, 4, 3), 0, 1),
    ("same_dim", (2, 3), 1, 1),
]:
    case(f"transpose_{tag}", "transpose", {"dim0": d0, "dim1": d1}, [f32(normal(shape))],
         (lambda d0, d1: lambda x: x.transpose(d0, d1))(d0, d1))

for tag, shape, perm in [
    ("rot3", (2, 3, 4), [2, 0, 1]),
    ("nchw_nhwc", (1, 3, 2, 2), [0, 2, 3, 1]),
    ("identity", (2, 3), [0, 1]),
    ("reverse4", (2, 1, 3, 2), [3, 2, 1, 0]),
]:
    case(f"permute_{tag}", "permute", {"perm": perm}, [f32(normal(shape))],
         (lambda perm: lambda x: x.permute(perm))(perm))

for tag, shape, new, tr in [
    ("row", (3,), [2, 3], False),
    ("col", (2, 1), [2, 4], False),
    ("mid", (1, 3, 1), [2, 3, 4], False),
    ("scalar", (), [3], False),
    ("same", (2, 3), [2, 3], False),
    ("new_leading", (2, 1), [3, 2, 5], False),
    ("transposed", (1, 3), [2, 3, 4], True),
]:
    args = {"shape": new}
    if tr:
        args["transpose_input"] = True
    case(f"broadcast_to_{tag}", "broadcast_to", args, [f32(normal(shape))],
         (lambda new: lambda x: x.broadcast_to(new))(new))

for tag, shape, axis, start, ln, tr in [
    ("rows", (5, 3), 0, 1, 3, False),
    ("cols_end", (2, 6), 1, 4, 2, False),
    ("last_axis_len1", (2, 3, 4), 2, 0, 1, False),
    ("mid_axis", (2, 5, 3), 1, 2, 2, False),
    ("full", (3, 2), 0, 0, 3, False),
    ("transposed", (4, 5), 1, 1, 2, True),
]:
    args = {"axis": axis, "start": start, "len": ln}
    if tr:
        args["transpose_input"] = True
    case(f"narrow_{tag}", "narrow", args, [f32(normal(shape))],
         (lambda axis, start, ln: lambda x: x.narrow(axis, start, ln))(axis, start, ln))

for tag, shapes, axis in [
    ("axis0_three", [(2, 3), (1, 3), (3, 3)], 0),
    ("axis1", [(2, 1), (2, 4)], 1),
    ("axis2_rank3", [(2, 3, 1), (2, 3, 2), (2, 3, 3)], 2),
    ("single", [(2, 2)], 0),
    ("1d", [(3,), (5,)], 0),
]:
    case(f"concat_{tag}", "concat", {"axis": axis}, [f32(normal(s)) for s in shapes],
         (lambda axis: lambda *xs: torch.cat(xs, dim=axis))(axis))
case("concat_transposed", "concat", {"axis": 0, "transpose_input": True},
     [f32(normal((3, 2))), f32(normal((1, 3)))], lambda *xs: torch.cat(xs, dim=0))

for tag, shape, n, axis in [
    ("axis0", (2, 3), 3, 0),
    ("axis1", (2, 3), 2, 1),
    ("axis_last", (2, 3), 2, 2),
    ("1d", (4,), 3, 0),
    ("scalars", (), 3, 0),
]:
    case(f"stack_{tag}", "stack", {"axis": axis}, [f32(normal(shape)) for _ in range(n)],
         (lambda axis: lambda *xs: torch.stack(xs, dim=axis))(axis))

for tag, shape, axis, idx in [
    ("rows_repeat", (5, 3), 0, [0, 2, 2, 4, 0]),
    ("cols", (2, 6), 1, [5, 1, 1]),
    ("mid", (3, 4, 2), 1, [3, 0, 3, 3]),
    ("1d", (6,), 0, [5, 4, 3, 2, 1, 0, 5]),
    ("embedding_like", (10, 4), 0, [7, 2, 9, 2, 0, 7, 7, 1]),
]:
    case(f"index_select_{tag}", "index_select", {"axis": axis}, [f32(normal(shape)), i32(idx)],
         (lambda axis: lambda x, i: torch.index_select(x, axis, i))(axis))

for tag, idx, n in [
    ("1d", [0, 3, 1, 4], 5),
    ("2d", [[1, 0, 2], [3, 3, 0]], 4),
    ("single_class", [0, 0], 1),
]:
    case(f"one_hot_{tag}", "one_hot", {"num_classes": n}, [i32(idx)],
         (lambda n: lambda i: F.one_hot(i, n).double())(n))

# ---------------------------------------------------------------------------
# softmax family, clamp

for op, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
    for tag, shape, axis, scale, tr in [
        ("rows", (2, 5), 1, 1.0, False),
        ("cols", (3, 4), 0, 1.0, False),
        ("mid", (2, 3, 4), 1, 1.0, False),
        ("neg_axis", (1, 7), -1, 1.0, False),
        ("size1_axis", (3, 1), 1, 1.0, False),
        ("long", (2, 67), 1, 1.0, False),
        ("large_logits", (3, 6), 1, 40.0, False),
        ("transposed", (4, 3), 1, 1.0, True),
    ]:
        args = {"axis": axis}
        if tr:
            args["transpose_input"] = True
        case(f"{op}_{tag}", op, args, [f32(normal(shape, scale))],
             (lambda fn, axis: lambda x: fn(x, dim=axis))(fn, axis))


def clamp_input(shape, lo, hi):
    """Normal values kept at least 0.05 away from the clamp bounds."""
    x = normal(shape, 1.0)
    for b in (lo, hi):
        near = np.abs(x - b) < 0.05
        x = np.where(near, x + np.float32(0.1), x).astype(np.float32)
    return x


for tag, shape, lo, hi in [
    ("sym", (3, 5), -0.5, 0.7),
    ("1d_odd", (11,), 0.0, 1.0),
    ("wide", (2, 3), -10.0, 10.0),
]:
    case(f"clamp_{tag}", "clamp", {"min": lo, "max": hi}, [f32(clamp_input(shape, lo, hi))],
         (lambda lo, hi: lambda x: torch.clamp(x, lo, hi))(lo, hi))

# ---------------------------------------------------------------------------
# conv / pool

for tag, xs, ws, stride, pad, bias in [
    ("basic", (1, 1, 5, 5), (1, 1, 3, 3), 1, 0, True),
    ("pad_rect_kernel", (2, 3, 6, 7), (4, 3, 3, 2), 1, 1, True),
    ("stride2_nobias", (2, 2, 7, 7), (3, 2, 3, 3), 2, 1, False),
    ("pointwise", (1, 3, 4, 4), (2, 3, 1, 1), 1, 0, True),
    ("stride2_rect", (1, 2, 9, 6), (2, 2, 4, 3), 2, 0, True),
    ("pad2_nobias", (1, 1, 4, 5), (2, 1, 3, 3), 1, 2, False),
    ("channels", (2, 5, 5, 5), (6, 5, 3, 3), 1, 1, True),
]:
    args = {"stride": [stride, stride], "padding": [pad, pad]}
    inputs = [f32(normal(xs)), f32(normal(ws, 0.5))]
    if bias:
        inputs.append(f32(normal((ws[0],))))
    case(f"conv2d_{tag}", "conv2d", args, inputs,
         (lambda s, p: lambda x, w, b=None: F.conv2d(x, w, b, stride=s, padding=p))(stride, pad))
# asymmetric stride / padding
case("conv2d_asym_stride_pad", "conv2d", {"stride": [2, 1], "padding": [1, 0]},
     [f32(normal((1, 2, 6, 5))), f32(normal((3, 2, 3, 2), 0.5)), f32(normal((3,)))],
     lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0)))

POOL_CASES = [
    ("k2s2", (1, 1, 4, 4), 2, 2, 0),
    ("k3s2p1", (2, 3, 5, 5), 3, 2, 1),
    ("k2s1_overlap", (1, 2, 5, 6), 2, 1, 0),
    ("k3s1p1", (1, 1, 5, 5), 3, 1, 1),
    ("k2s2_odd", (2, 2, 7, 5), 2, 2, 0),
]
for tag, xs, k, s, p in POOL_CASES:
    args = {"kernel": [k, k], "stride": [s, s], "padding": [p, p]}
    case(f"max_pool2d_{tag}", "max_pool2d", args, [f32(normal(xs))],
         (lambda k, s, p: lambda x: F.max_pool2d(x, k, s, p))(k, s, p))
    case(f"avg_pool2d_{tag}", "avg_pool2d", args, [f32(normal(xs))],
         (lambda k, s, p: lambda x: F.avg_pool2d(x, k, s, p, count_include_pad=True))(k, s, p))
# all-negative input with padding: padded zeros must not win the max
case("max_pool2d_negative_padded", "max_pool2d", {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]},
     [f32(-uniform((1, 1, 5, 5), 0.5, 3))], lambda x: F.max_pool2d(x, 3, 2, 1))

# ---------------------------------------------------------------------------
# composite losses

for tag, n, c, scale in [("basic", 4, 5, 1.0), ("single", 1, 3, 1.0), ("wide", 7, 10, 1.0), ("large_logits", 3, 4, 30.0)]:
    case(f"cross_entropy_{tag}", "cross_entropy", {}, [f32(normal((n, c), scale)), i32(ints((n,), 0, c))],
         lambda x, t: F.cross_entropy(x, t))

for tag, shape in [("2d", (3, 4)), ("1d_odd", (11,))]:
    case(f"mse_loss_{tag}", "mse_loss", {}, [f32(normal(shape)), f32(normal(shape))],
         lambda a, b: F.mse_loss(a, b))

for tag, shape, scale in [("2d", (3, 4), 2.0), ("1d", (8,), 2.0), ("large_logits", (6,), 40.0)]:
    targets = (rng.uniform(size=shape) < 0.5).astype(np.float32)
    if tag == "2d":
        targets = uniform(shape, 0, 1)  # soft labels
    case(f"binary_cross_entropy_with_logits_{tag}", "binary_cross_entropy_with_logits", {},
         [f32(normal(shape, scale)), f32(targets, False)],
         lambda x, t: F.binary_cross_entropy_with_logits(x, t))

for tag, shape in [("2d", (3, 5)), ("3d", (2, 3, 8)), ("single_row", (1, 4)), ("offset", (2, 16))]:
    d = shape[-1]
    x = normal(shape)
    if tag == "offset":
        x = (x * 0.5 + 50.0).astype(np.float32)
    case(f"layer_norm_{tag}", "layer_norm", {"eps": 1e-5},
         [f32(x), f32(normal((d,), 0.5) + 1.0), f32(normal((d,), 0.5))],
         (lambda d: lambda x, w, b: F.layer_norm(x, (d,), w, b, eps=1e-5))(d))

# ---------------------------------------------------------------------------
# torch.nn.functional options (webgrad_core::functional, wg.F), strided_slice, 1-D matmul

for tag, a, b in [("1d_1d", (5,), (5,)), ("1d_2d", (4,), (4, 3)), ("2d_1d", (3, 4), (4,)),
                  ("1d_3d", (4,), (2, 4, 3)), ("3d_1d", (2, 3, 4), (4,))]:
    case(f"matmul_{tag}", "matmul", {}, [f32(normal(a)), f32(normal(b))], torch.matmul)

case("layer_norm_2axes", "layer_norm", {"eps": 1e-5, "normalized_shape": [3, 4]},
     [f32(normal((2, 3, 4))), f32(normal((3, 4), 0.5) + 1.0), f32(normal((3, 4), 0.5))],
     lambda x, w, b: F.layer_norm(x, (3, 4), w, b, eps=1e-5))
case("layer_norm_no_affine", "layer_norm", {"eps": 1e-3, "normalized_shape": [6]},
     [f32(normal((4, 6)))], lambda x: F.layer_norm(x, (6,), eps=1e-3))

# F.batch_norm (the BatchNorm layer's own function): batch statistics in training, running ones
# in evaluation. The running statistics are inputs without gradients (their update is checked
# in crates/nn's tests, against the same formula).
for tag, shape, training in [("train_2d", (6, 3), True), ("train_4d", (3, 2, 3, 4), True),
                             ("eval_2d", (5, 4), False), ("eval_4d", (2, 3, 2, 2), False)]:
    c = shape[1]
    case(f"batch_norm_{tag}", "batch_norm", {"eps": 1e-5, "training": training, "momentum": 0.1},
         [f32(normal(shape)), f32(normal((c,), 0.3), False), f32(np.abs(normal((c,), 0.5)) + 0.5, False),
          f32(normal((c,), 0.5) + 1.0), f32(normal((c,), 0.5))],
         (lambda tr: lambda x, rm, rv, w, b: F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=tr, momentum=0.1, eps=1e-5))(training))


def ce_case(name, logits, target, weight=None, label_smoothing=0.0, reduction="mean"):
    args = {"label_smoothing": label_smoothing, "reduction": reduction, "weighted": weight is not None}
    inputs = [f32(logits), target] + ([f32(weight, False)] if weight is not None else [])

    def fn(x, t, *w):
        if t.dtype == torch.float64:
            t = t.detach()
        return F.cross_entropy(x, t, weight=w[0] if w else None, label_smoothing=label_smoothing, reduction=reduction)
    case(name, "cross_entropy", args, inputs, fn)


def probs(shape, axis=-1):
    p = np.exp(normal(shape))
    return (p / p.sum(axis=axis, keepdims=True)).astype(np.float32)


ce_case("cross_entropy_weighted_smoothed", normal((5, 4)), i32(ints((5,), 0, 4)),
        weight=uniform((4,), 0.2, 2.0), label_smoothing=0.1)
ce_case("cross_entropy_none", normal((4, 3), 2.0), i32(ints((4,), 0, 3)), reduction="none")
ce_case("cross_entropy_sum_smoothed", normal((3, 5)), i32(ints((3,), 0, 5)), label_smoothing=0.2, reduction="sum")
ce_case("cross_entropy_unbatched", normal((6,)), i32(np.array(2)))
ce_case("cross_entropy_spatial", normal((2, 3, 4)), i32(ints((2, 4), 0, 3)), weight=uniform((3,), 0.5, 1.5))
ce_case("cross_entropy_probs", normal((4, 3)), f32(probs((4, 3)), False), label_smoothing=0.1)
ce_case("cross_entropy_probs_weighted_sum", normal((3, 4)), f32(probs((3, 4)), False),
        weight=uniform((4,), 0.2, 2.0), reduction="sum")
ce_case("cross_entropy_probs_spatial", normal((2, 3, 2)), f32(probs((2, 3, 2), axis=1), False), reduction="none")

for tag, shape, red, pw in [("pos_weight", (4, 3), "mean", True), ("none", (5,), "none", False),
                           ("pos_weight_sum", (2, 3), "sum", True)]:
    inputs = [f32(normal(shape, 2.0)), f32(uniform(shape, 0, 1), False)]
    if pw:
        inputs.append(f32(uniform((shape[-1],), 0.5, 3.0), False))
    case(f"binary_cross_entropy_with_logits_{tag}", "binary_cross_entropy_with_logits",
         {"reduction": red, "pos_weight": pw}, inputs,
         (lambda red: lambda x, t, *p: F.binary_cross_entropy_with_logits(x, t, pos_weight=p[0] if p else None, reduction=red))(red))

for red in ["none", "sum"]:
    case(f"mse_loss_{red}", "mse_loss", {"reduction": red}, [f32(normal((3, 4))), f32(normal((3, 4)))],
         (lambda red: lambda a, b: F.mse_loss(a, b, reduction=red))(red))
for red in ["mean", "none", "sum"]:
    case(f"l1_loss_{red}", "l1_loss", {"reduction": red}, [f32(normal((3, 4))), f32(normal((3, 4)))],
         (lambda red: lambda a, b: F.l1_loss(a, b, reduction=red))(red))
for tag, delta, red in [("mean", 1.0, "mean"), ("delta_half_none", 0.5, "none"), ("delta2_sum", 2.0, "sum")]:
    case(f"huber_loss_{tag}", "huber_loss", {"delta": delta, "reduction": red},
         [f32(normal((4, 5), 1.5)), f32(normal((4, 5), 1.5))],
         (lambda delta, red: lambda a, b: F.huber_loss(a, b, delta=delta, reduction=red))(delta, red))


def sdpa_case(name, qs, ks, vs, is_causal=False, mask=None):
    inputs = [f32(normal(qs)), f32(normal(ks)), f32(normal(vs))]
    kind = "none"
    if mask is not None:
        kind = "bool" if mask.dtype == np.int32 else "float"
        inputs.append(i32(mask) if kind == "bool" else f32(mask, False))

    def fn(q, k, v, *m):
        am = None
        if m:
            am = m[0].bool() if kind == "bool" else m[0].detach()
        return F.scaled_dot_product_attention(q, k, v, attn_mask=am, is_causal=is_causal)
    case(name, "scaled_dot_product_attention", {"is_causal": is_causal, "mask": kind}, inputs, fn)


sdpa_case("sdpa_basic", (2, 3, 4), (2, 5, 4), (2, 5, 3))
sdpa_case("sdpa_causal_heads", (1, 2, 4, 4), (1, 2, 4, 4), (1, 2, 4, 4), is_causal=True)
bool_mask = ints((3, 5), 0, 2)
bool_mask[:, 0] = 1  # every query keeps at least one key
sdpa_case("sdpa_bool_mask", (2, 3, 4), (2, 5, 4), (2, 5, 2), mask=bool_mask)
sdpa_case("sdpa_float_mask", (2, 2, 3), (2, 4, 3), (2, 4, 3), mask=normal((2, 2, 4)))

case("embedding_2d_indices", "embedding", {}, [i32(ints((2, 3), 0, 5)), f32(normal((5, 4)))],
     lambda i, w: F.embedding(i, w))
case("embedding_1d_repeats", "embedding", {}, [i32(np.array([3, 0, 3, 1])), f32(normal((4, 2)))],
     lambda i, w: F.embedding(i, w))
case("one_hot_inferred", "one_hot", {"num_classes": -1}, [i32(np.array([[0, 3], [2, 1]]))],
     lambda i: F.one_hot(i, -1).double())


def tf_strided_indices(dim, b, e, st, bmask, emask):
    """TF's strided_slice range on one axis (begin/end clamped, negative from the end)."""
    def res(v, masked, is_begin):
        if v is None or masked:
            return (0 if is_begin else dim) if st > 0 else (dim - 1 if is_begin else -1)
        v = v + dim if v < 0 else v
        return min(max(v, 0), dim) if st > 0 else min(max(v, -1), dim - 1)
    lo, hi = res(b, bmask, True), res(e, emask, False)
    return list(range(lo, hi, st))


def strided_case(name, shape, begin, end, strides, begin_mask=0, end_mask=0, shrink=0):
    def fn(x):
        out = x
        keep = []
        for ax in range(len(shape)):
            get = lambda l: l[ax] if ax < len(l) else None
            st = get(strides) or 1
            if shrink >> ax & 1:
                b = get(begin) or 0
                out = out.narrow(ax, b + shape[ax] if b < 0 else b, 1)
                continue
            idx = tf_strided_indices(shape[ax], get(begin), get(end), st, begin_mask >> ax & 1, end_mask >> ax & 1)
            out = out.index_select(ax, torch.tensor(idx, dtype=torch.int64))
            keep.append(len(idx))
        return out.reshape(keep)
    case(name, "strided_slice", {"begin": begin, "end": end, "strides": strides, "begin_mask": begin_mask,
                                 "end_mask": end_mask, "shrink_axis_mask": shrink}, [f32(normal(shape))], fn)


strided_case("strided_slice_step2", (5, 6), [0, 1], [5, 6], [2, 2])
strided_case("strided_slice_negative_clamped", (4, 5), [-3, 1], [100, -1], [1, 3])
strided_case("strided_slice_partial_spec", (3, 4, 2), [1], [3], [1])
strided_case("strided_slice_masks_shrink", (4, 5, 3), [2, 9, 1], [0, 2, 0], [1, 1, 1], begin_mask=2, end_mask=4, shrink=1)
strided_case("strided_slice_reverse", (6, 3), [-1, 0], [0, 3], [-2, 1], end_mask=1)
strided_case("strided_slice_empty", (4, 3), [3, 0], [1, 3], [1, 1])

# ---------------------------------------------------------------------------

os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
text = json.dumps(CASES, separators=(",", ":"))
# one case per line keeps diffs readable
text = "[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in CASES) + "\n]\n"
with open(OUT_PATH, "w") as fh:
    fh.write(text)
ops = sorted({c["op"] for c in CASES})
print(f"wrote {len(CASES)} cases over {len(ops)} ops, {len(text)} bytes -> {os.path.normpath(OUT_PATH)}",
      file=sys.stderr)
