"""Stable orders of non-negative integers below 2**32 by numpy's radix sort, which it uses for 16-bit keys only:
two passes of 16-bit digits, low first (several times faster than a comparison sort of millions of int64)."""

from __future__ import annotations

import numpy as np

LIMIT = 2**32


def radix_order(values: np.ndarray) -> np.ndarray:
    """The positions of `values` sorted stably by value, every value in [0, LIMIT)."""
    values = np.asarray(values, dtype=np.int64)
    order = np.arange(len(values))
    high = int(values.max(initial=0)) >> 16
    for digit in (values & 0xFFFF, values >> 16) if high else (values,):
        order = order[np.argsort(digit.astype(np.uint16)[order], kind="stable")]
    return order
