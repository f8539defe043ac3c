"""ID texts read as numbers, for blocking and comparing: Arrow kernels over millions of register IDs, never
Python strings. The prepared register keeps what they give (`id_columns`), so that a later run reads it back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ID_PARTS = ("order", "number", "length", "exact", "numeric")  # the arrays `id_columns` gives, kept as `{column}_{part}`


def as_numbers(values: pd.Series) -> np.ndarray:
    """Text IDs as float64 (NaN where not a number); digits-only Arrow text is cast without Python objects."""
    if isinstance(values.dtype, pd.StringDtype):
        try:
            array = arrow_text(values).cast(pa.float64())
            return array.to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.Series(pd.to_numeric(values, errors="coerce")).to_numpy(dtype="float64", na_value=np.nan)


def id_numbers(text: pd.Series, numbers: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """(the ID as an integer, its length, whether it is all digits and exact, whether it is present), at `rows`
    (all rows when None), given `numbers` from `as_numbers`."""
    if rows is not None:  # taken before any conversion: the register's column has millions of values
        text, numbers = text.take(rows), numbers[rows]
    length, digits = lengths_and_digits(text)
    exact = digits & ~np.isnan(numbers)  # 15 digits are exact in float64
    number = np.zeros(len(numbers), dtype=np.int64)
    np.copyto(number, numbers, casting="unsafe", where=exact)  # one array written: millions of rows in a register
    return number, length, exact, length > 0


def id_columns(values: pd.Series) -> dict[str, np.ndarray]:
    """An ID column's arrays that every match against the register reads (`ID_PARTS`): the rows in the order of
    their ID numbers (rows without one last); each row's ID length (at most 127) and whether it is exact
    (as `id_numbers` says); whether it reads as a number at all, and that number as an integer (exact where
    `exact`). Made once with the prepared register and stored with it; millions of rows, so made with as few
    arrays alive at once as may be."""
    numbers = as_numbers(values)
    order = np.argsort(numbers, kind="stable").astype(np.int32)
    numeric = ~np.isnan(numbers)
    number = np.zeros(len(numbers), dtype=np.int64)
    with np.errstate(invalid="ignore"):  # as `as_integers`, written in place: millions of rows
        np.copyto(number, numbers, casting="unsafe", where=numeric)
    del numbers
    length, digits = lengths_and_digits(values)
    return {
        "order": order,
        "number": number,
        "length": np.minimum(length, 127).astype(np.int8),  # lengths past 15 digits are never read as numbers
        "exact": digits & numeric,
        "numeric": numeric,
    }


def stored_id_columns(frame: pd.DataFrame, column: str) -> dict[str, np.ndarray] | None:
    """`id_columns` of `column` as a prepared register holds them (`{column}_{part}`), or None if it does not."""
    if not all(f"{column}_{part}" in frame.columns for part in ID_PARTS):
        return None
    return {part: frame[f"{column}_{part}"].to_numpy() for part in ID_PARTS}


def as_integers(numbers: np.ndarray) -> np.ndarray:
    """ID numbers read as floats (none missing) as int64, as the sorted IDs hold them; a number past int64 ("1e100")
    is no ID and becomes some integer that no listed ID is."""
    with np.errstate(invalid="ignore"):
        return numbers.astype(np.int64, copy=False)


def lengths_and_digits(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each ID's length in bytes (0 when missing) and whether it is at most 15 ASCII digits.

    Bytes and ASCII digits: an ID read as a number is ASCII digits, whose bytes are its characters (other digits
    are never a number here), and these kernels run several times faster than their UTF-8 twins."""
    values = arrow_text(text)
    length = pc.binary_length(values).fill_null(0).to_numpy(zero_copy_only=False)
    digits = pc.ascii_is_decimal(values).fill_null(False).to_numpy(zero_copy_only=False) & (length <= 15)
    return length, digits


def arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow: the Arrow text pandas already holds as it is (a register's millions of IDs are not
    copied), anything else converted to strings."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return pa.array(values)
    return pa.array(values, type=pa.string())
