"""Small helpers for applying pure Python functions to large pandas columns once per distinct value."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd


def map_distinct(series: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """Apply `function` once per distinct value (missing values get `function(None)`); object dtype result."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        results[i] = function(value)
    results[-1] = function(None)
    return pd.Series(results[codes], index=series.index, dtype=object)


def distinct(values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) with `values[i]` equal to `uniques[codes[i]]`, keeping every missing object as it is.

    Unlike `pd.factorize`, None, NaN and pd.NA stay apart (each missing object is its own distinct value), so a
    function applied per distinct value sees exactly what it would see per cell. Values that compare equal
    across types (1, 1.0, True) count as one, as in `pd.factorize`; cleaned columns hold text."""
    objects = np.asarray(values, dtype=object)
    codes, found = pd.factorize(objects, use_na_sentinel=True)
    uniques = np.fromiter(found, dtype=object, count=len(found))
    missing = (codes < 0).nonzero()[0]
    if len(missing):
        ids = np.fromiter(map(id, objects[missing]), dtype=np.int64, count=len(missing))
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        codes[missing] = len(uniques) + inverse
        uniques = np.concatenate([uniques, objects[missing[first]]])
    return codes, uniques


def apply_distinct(values: np.ndarray | pd.Series, function: Callable[[Any], Any]) -> np.ndarray:
    """`function(v)` for every cell as an object array, computed once per distinct value (see `distinct`)."""
    codes, uniques = distinct(values)
    return np.fromiter(map(function, uniques), dtype=object, count=len(uniques))[codes]


def attribute(values: pd.Series, name: str, dtype: str | None = None) -> pd.Series | pd.api.extensions.ExtensionArray:
    """One attribute of every object in a column (None stays None), read once per distinct object."""
    objects = values.to_numpy(dtype=object)
    ids = np.fromiter(map(id, objects), dtype=np.int64, count=len(objects))
    _, first, codes = np.unique(ids, return_index=True, return_inverse=True)
    out = [getattr(v, name) if v is not None else None for v in objects[first]]
    if dtype:
        return pd.array(out, dtype=dtype).take(codes)
    return pd.Series(np.fromiter(out, dtype=object, count=len(out))[codes], index=values.index, dtype=object)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects (one list per row, say): each
    collection would walk every object alive. Nothing is lost; collection resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
