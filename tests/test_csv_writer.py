"""write_csv neutralises only the cells that need it, byte for byte as `safe_text` applied to every cell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.io.writer import safe_text, write_csv

CELLS = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.booleans(),
    st.text(alphabet=st.sampled_from(["a", "ễ", " ", "\u00a0", "\u3000", "=", "+", "-", "@", "\n", "\r", "\x00", "1"])),
)


def _reference(frame: pd.DataFrame, path: Path) -> bytes:
    frame.map(safe_text).to_csv(path, index=False, encoding="utf-8-sig")
    return path.read_bytes()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(CELLS, CELLS, st.text(max_size=4)), min_size=1, max_size=8))
def test_csv_is_the_same_as_safe_text_on_every_cell(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    frame = pd.DataFrame(rows, columns=["mixed", "other", "text"])
    frame["numbers"] = range(len(frame))
    frame["text"] = frame["text"].astype("str")
    write_csv(frame, folder / "new.csv")
    assert (folder / "new.csv").read_bytes() == _reference(frame, folder / "old.csv")


def test_formula_behind_unicode_spaces_is_neutralised(tmp_path):
    frame = pd.DataFrame({"a": ["\u00a0=SUM(A1)", "x\ry", 7], "b": pd.Series(["\u3000+1", "ok", None], dtype="str")})
    write_csv(frame, tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == ["'\u00a0=SUM(A1),'\u3000+1", "x y,ok", "7,"]
