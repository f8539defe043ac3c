"""The distinct values of a column, exactly: per-value work done once per distinct value, never per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


def exact_distinct(column: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each cell's code (-1 where missing) and the distinct values in order of first appearance, as
    `Series.tolist` gives them. Values that compare equal but print differently stay apart: 1, 1.0 and True;
    0.0 and -0.0."""
    values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
    kind = values.dtype.kind
    if kind == "f" and isinstance(values.dtype, np.dtype):  # 0.0 and -0.0 by their bits; NaN is missing
        floats = values.to_numpy()
        codes, _ = pd.factorize(floats.view(np.int64))
        codes = np.where(np.isnan(floats), -1, codes)
        codes, firsts = _renumber(codes)
        return codes, floats[firsts].tolist()
    if values.dtype != np.dtype(object) or pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(values)
        return codes, uniques.tolist()
    objects = values.to_numpy(dtype=object)
    missing = pd.isna(objects)
    kinds, _ = pd.factorize(np.frompyfunc(lambda v: type(v).__qualname__, 1, 1)(objects))
    texts, _ = pd.factorize(np.frompyfunc(repr, 1, 1)(objects))
    codes, _ = pd.factorize(texts.astype(np.int64) * (kinds.max(initial=0) + 1) + kinds)
    codes, firsts = _renumber(np.where(missing, -1, codes))
    return codes, objects[firsts].tolist()


def _renumber(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered 0.. in order of first appearance (-1 kept), and the position of each code's first cell."""
    present = codes >= 0
    unique, firsts, inverse = np.unique(codes[present], return_index=True, return_inverse=True)
    order = np.argsort(firsts, kind="stable")
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    out = np.full(len(codes), -1, dtype=np.int64)
    out[present] = rank[inverse.ravel()]
    return out, np.flatnonzero(present)[firsts[order]]


def map_exact(column: pd.Series, function: Callable[[Any], Any]) -> np.ndarray:
    """`function` of every cell (a missing cell as None), called once per distinct value (see `exact_distinct`)."""
    codes, uniques = exact_distinct(column)
    results = np.empty(len(uniques) + 1, dtype=object)  # the last: missing cells (code -1)
    for i, value in enumerate(uniques):
        results[i] = function(value)
    if (codes < 0).any():
        results[-1] = function(None)
    return results[codes]


def arrow_texts(column: pd.Series) -> pa.Array | None:
    """The cells as one pyarrow text array (missing cells null) when every present cell is a str and at least one
    is present; else None."""
    if isinstance(column.dtype, pd.StringDtype):
        texts = pa.array(column.array)
    elif column.dtype == np.dtype(object) and pd.api.types.infer_dtype(column, skipna=True) == "string":
        try:
            texts = pa.array(column.to_numpy(), type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a missing value pyarrow does not know (numpy float32 NaN)
            return None
    else:
        return None
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    return texts.cast(pa.string()) if texts.null_count < len(texts) else None


def as_text_array(texts: pa.Array) -> pd.api.extensions.ExtensionArray:
    """A pyarrow text array as pandas' text array (the dtype pandas infers for a column of str)."""
    return pd.array(texts, dtype=_TEXT_DTYPE)


_TEXT_DTYPE = pd.Series(["text"]).dtype


def text_array(values: np.ndarray) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """`values` (objects) as pandas stores them in a Series or DataFrame, made faster: if every present value is
    a str, pandas' text array built through pyarrow (from the distinct values where any present value is not
    a plain str); else `values` unchanged."""
    texts = arrow_texts(pd.Series(values, dtype=object))
    if texts is not None:
        return as_text_array(texts)
    codes, uniques = exact_distinct(pd.Series(values, dtype=object))
    inferred = pd.Series(uniques[:1]).dtype
    if not uniques or inferred == np.dtype(object) or not all(isinstance(v, str) for v in uniques):
        return values
    return pd.array(pa.array(uniques, type=pa.string()).take(pa.array(codes, mask=codes < 0)), dtype=inferred)
