"""pandera models: what a usable cleaned beneficiary row and a usable register row must satisfy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

ID_PATTERN = r"^(\d{9}|\d{12})$"
MIN_YEAR = 1880


class CleanBeneficiaries(pa.DataFrameModel):
    """A cleaned list row is usable when it has a name, a birth year and (if any) a well-formed ID."""

    full_name: Series[str] = pa.Field(nullable=False, coerce=True, str_length={"min_value": 2})
    birth_year: Series[pd.Int64Dtype] = pa.Field(nullable=False, coerce=True, ge=MIN_YEAR)
    national_id: Series[str] = pa.Field(nullable=True, coerce=True, str_matches=ID_PATTERN)
    id_kind: Series[str] = pa.Field(coerce=True, isin=["cccd", "cmnd", "missing"])
    sex: Series[str] = pa.Field(nullable=True, coerce=True, isin=["Nam", "Nữ"])
    amount: Series[pd.Int64Dtype] = pa.Field(nullable=True, coerce=True, ge=0)

    class Config:
        strict = False


class CleanRegister(pa.DataFrameModel):
    """A register row must have a 12-digit ID, a name and a birth year."""

    national_id: Series[str] = pa.Field(nullable=False, coerce=True, str_matches=r"^\d{12}$")
    full_name: Series[str] = pa.Field(nullable=False, coerce=True, str_length={"min_value": 2})
    birth_year: Series[pd.Int64Dtype] = pa.Field(nullable=False, coerce=True, ge=MIN_YEAR)

    class Config:
        strict = False


def failing_cells(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """Every (row index, column, check) that `model` rejects, collected lazily; empty when all pass.

    The models' checks look at one cell at a time, so each column is validated on its distinct values (one
    missing value stands for all) and a rejected value marks every row holding it: the same cells, in the
    same order (column, check, row), as validating the whole frame."""
    schema = model.to_schema()
    columns = [name for name in schema.columns if name in frame.columns]
    if schema.checks or schema.unique or any(schema.columns[name].unique for name in columns):
        return _whole_frame_failures(model, frame)
    found = [_column_failures(name, schema.columns[name], frame[name]) for name in columns]
    cases = pd.concat([_EMPTY, *found], ignore_index=True)
    return cases.astype({"index": "int64"})


_EMPTY = pd.DataFrame(
    {"index": pd.Series(dtype="int64"), "column": pd.Series(dtype=str), "check": pd.Series(dtype=str)}
)


def _column_failures(name: str, column: pa.Column, values: pd.Series) -> pd.DataFrame:
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    codes = np.where(codes < 0, codes.max(initial=-1) + 1, codes)  # every missing value shares one code
    _, first = np.unique(codes, return_index=True)
    sample = values.iloc[first].reset_index(drop=True)
    try:
        pa.DataFrameSchema({name: column}).validate(sample.to_frame(name), lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()][["index", "check"]].drop_duplicates()
        parts = []
        for check, failing in cases.groupby("check", sort=False)["index"]:
            rejected = codes[first[failing.to_numpy(dtype="int64")]]
            positions = np.isin(codes, rejected).nonzero()[0]
            parts.append(pd.DataFrame({"index": values.index[positions], "column": name, "check": check}))
        return pd.concat(parts, ignore_index=True) if parts else _EMPTY
    return _EMPTY


def _whole_frame_failures(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    columns = list(model.to_schema().columns)
    try:
        model.validate(frame[columns], lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        return cases[["index", "column", "check"]].drop_duplicates().astype({"index": "int64"})
    return _EMPTY.copy()
