#!/usr/bin/env python3
"""Byte-compatibility of webgrad's safetensors files with Python's `safetensors` package.

    python safetensors_compat.py write-fixture [PATH]   # the fixture the Rust tests read
    python safetensors_compat.py check DIR              # check the files a Rust test wrote

Needs `safetensors` and `numpy` (e.g. `python3 -m venv .venv-st && .venv-st/bin/pip install
safetensors numpy` at the repository root, where the Rust test looks first).
"""
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "python_written.safetensors")
SAME_BYTES = "python_f32_i32.safetensors"


def fixture_tensors():
    """Edge cases for the reader: special floats, every dtype webgrad reads, empty and 0-d."""
    return {
        "weights.f32": np.array([[0.0, -0.0, 1.5], [-2.25, 3.4028235e38, 1e-45]], dtype=np.float32),
        "scalar.f32": np.array(7.0, dtype=np.float32),
        "empty.f32": np.zeros((0, 4), dtype=np.float32),
        "inf.f32": np.array([np.inf, -np.inf], dtype=np.float32),
        "ints.i32": np.array([-3, 0, 2147483647], dtype=np.int32),
        "ints.i64": np.array([5, -6], dtype=np.int64),
        "half.f16": np.array([1.0, -2.0, 65504.0, 2.0**-24], dtype=np.float16),
        "doubles.f64": np.array([[0.1], [-1.5]], dtype=np.float64),
    }


def same_bytes_tensors():
    """Only what webgrad writes (F32, I32): webgrad must produce these exact bytes."""
    return {
        "layer.weight": (np.arange(6, dtype=np.float32) / 3.0 - 1.0).reshape(2, 3),
        "layer.bias": np.array([0.5, -0.0], dtype=np.float32),
        "classes": np.array([3, -1, 7], dtype=np.int32),
        "scalar": np.array(2.5, dtype=np.float32),
    }


def write_fixture(path):
    save_file(fixture_tensors(), path, metadata={"source": "python safetensors"})
    print(f"wrote {path}")
    other = os.path.join(os.path.dirname(path), SAME_BYTES)
    save_file(same_bytes_tensors(), other, metadata={"writer": "python"})
    print(f"wrote {other}")


def expected_values():
    """The tensors the Rust test writes to values.safetensors (same formulas there)."""
    return {
        "a": (np.arange(12, dtype=np.float32) * 0.25 - 1.0).reshape(3, 4),
        "b": (np.arange(5, dtype=np.int32) ** 2 - 3).astype(np.int32),
        "c": np.array(-0.0, dtype=np.float32),
    }


def check(directory):
    values = load_file(os.path.join(directory, "values.safetensors"))
    want = expected_values()
    assert set(values) >= set(want), f"names {sorted(values)}"
    for name, w in want.items():
        got = values[name]
        assert got.dtype == w.dtype and got.shape == w.shape, f"{name}: {got.dtype}{got.shape} vs {w.dtype}{w.shape}"
        assert got.tobytes() == w.tobytes(), f"{name}: {got} vs {w}"
    with safe_open(os.path.join(directory, "values.safetensors"), framework="numpy") as f:
        assert f.metadata() == {"writer": "webgrad"}, f.metadata()

    # A whole model: the spec in the metadata, the weights under their names; recompute the
    # outputs webgrad gave for `check.x` with numpy.
    path = os.path.join(directory, "model.safetensors")
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
    spec = json.loads(meta["webgrad.spec"])
    assert meta["format"] == "webgrad" and int(meta["webgrad.optimizer_steps"]) > 0, meta
    w = load_file(path)
    h = values["check.x"]
    for i, layer in enumerate(spec["layers"]):
        assert layer["type"] == "dense", layer
        h = h @ w[f"{i}.weight"] + w[f"{i}.bias"]
        act = layer.get("activation", "linear")
        h = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0), "linear": lambda v: v}[act](h)
    assert np.allclose(h, values["check.y"], rtol=1e-5, atol=1e-6), (h, values["check.y"])
    assert any(k.startswith("optimizer.") and k.endswith(".m") for k in w), sorted(w)
    print("python safetensors read webgrad's files: OK")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "write-fixture":
        write_fixture(sys.argv[2] if len(sys.argv) > 2 else FIXTURE)
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
