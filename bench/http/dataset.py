"""Readers for the ANN benchmark files (.fvecs / .ivecs: per row an int32 count, then values)."""

from __future__ import annotations

import numpy as np


def read_vecs(path: str, dtype) -> np.ndarray:
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        return np.zeros((0, 0), dtype=dtype)
    dim = int(raw[0])
    rows = raw.reshape(-1, dim + 1)
    return rows[:, 1:].copy().view(dtype)


def read_fvecs(path: str) -> np.ndarray:
    return read_vecs(path, np.float32)


def read_ivecs(path: str) -> np.ndarray:
    return read_vecs(path, np.int32)
