"""Reasons are written once per distinct combination of evidence: the same text as writing each row alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.match.engine import _reasons, _signal_text
from asxh_cli.match.weights import SIGNALS
from asxh_cli.rules import LEVELS


@st.composite
def best_rows(draw) -> pd.DataFrame:
    """Rows built from a few shared templates of levels and weights (so that evidence repeats, as it does),
    with the name count, ID owner and probability drawn for each row."""
    templates = draw(st.integers(1, 3))
    rows = draw(st.integers(1, 12))
    pick = draw(st.lists(st.integers(0, templates - 1), min_size=rows, max_size=rows))
    frame = {}
    for signal in SIGNALS:
        levels = draw(st.lists(st.integers(-1, len(LEVELS[signal]) - 1), min_size=templates, max_size=templates))
        weight = st.one_of(st.sampled_from([-2.5, 0.0, 1.25, 3.0]), st.floats(-9, 9).map(lambda w: round(w, 2)))
        weights = draw(st.lists(weight, min_size=templates, max_size=templates))
        frame[f"l_{signal}"] = [levels[k] for k in pick]
        frame[f"w_{signal}"] = [weights[k] for k in pick]
    frame["name_count"] = draw(st.lists(st.sampled_from([1, 2, 7]), min_size=rows, max_size=rows))
    frame["id_owner"] = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    frame["p"] = draw(st.lists(st.sampled_from([0.0, 0.5, 0.99]), min_size=rows, max_size=rows))
    return pd.DataFrame(frame, index=np.arange(100, 100 + rows))


@settings(max_examples=150, deadline=None)
@given(best_rows(), st.sampled_from(["", "điểm cao"]))
def test_reasons_by_distinct_evidence_equal_each_row_written_alone(best, clause):
    clauses = pd.Series(clause, index=best.index, dtype=object)
    alone = [_signal_text(best.iloc[[i]]).iloc[0] for i in range(len(best))]
    percent = [str(round(100 * p, 1)) for p in best["p"]]
    expected = [
        (text + "; " + clause if clause else text) + "; khả năng đúng người " + share + " %"
        for text, share in zip(alone, percent, strict=True)
    ]
    assert _reasons(best, clauses).tolist() == expected


NEAR_HALF = [float(np.nextafter(0.5, 0.0)), float(np.nextafter(0.5, 1.0)), 0.5 + 2**-40]  # 0.5 but for low bits


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 1, 2, 65_535, 65_536, 70_000, 2**28]),
            st.sampled_from([0.0, -0.0, 0.25, 0.5, *NEAR_HALF, 1.0, 1e-300, 5e-324, 0.3333333333333333]),
            st.integers(0, 1000).map(lambda t: round(t / 10, 1)),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_candidates_best_first_in_the_order_of_lexsort(pairs, grouped):
    """Rows (grouped or not, small and large), probabilities equal or apart in their last bit only, ties in
    probability and similarity: the order of lexsort, ties in pair order."""
    from asxh_cli.match.engine import _best_first

    b = np.array([row for row, _, _ in pairs], dtype=np.int64)
    b = np.sort(b) if grouped else b
    p = np.array([prob for _, prob, _ in pairs], dtype=np.float64)
    similarity = np.array([sim for _, _, sim in pairs], dtype=np.float64)
    assert _best_first(b, p, similarity).tolist() == np.lexsort((-similarity, -p, b)).tolist()
    off_grid = similarity + 0.01  # not tenths: the plain lexsort
    assert _best_first(b, p, off_grid).tolist() == np.lexsort((-off_grid, -p, b)).tolist()
    above_one = np.where(p == 1.0, 1.5, p)
    assert _best_first(b, above_one, similarity).tolist() == np.lexsort((-similarity, -above_one, b)).tolist()
