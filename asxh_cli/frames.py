"""Small helpers for applying pure Python functions to large pandas columns."""

from __future__ import annotations

from collections.abc import Callable
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


def attribute(values: pd.Series, name: str, dtype: str | None = None) -> pd.Series | pd.api.extensions.ExtensionArray:
    """One attribute of every object in a column (None stays None)."""
    out = [getattr(v, name) if v is not None else None for v in values]
    return pd.array(out, dtype=dtype) if dtype else pd.Series(out, index=values.index, dtype=object)
