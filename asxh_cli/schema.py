"""pandera models: what a usable cleaned beneficiary row and a usable register row must satisfy."""

from __future__ import annotations

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
    """Every (row index, column, check) that `model` rejects, collected lazily; empty when all pass."""
    columns = list(model.to_schema().columns)
    try:
        model.validate(frame[columns], lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        return cases[["index", "column", "check"]].drop_duplicates().astype({"index": "int64"})
    return pd.DataFrame(
        {"index": pd.Series(dtype="int64"), "column": pd.Series(dtype=str), "check": pd.Series(dtype=str)}
    )
