"""Name keys both sides need, made by whole-column operations: the same as the one-name-at-a-time reading."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from asxh_cli.match.features import add_name_keys

NAMES = st.one_of(st.none(), st.text(alphabet=" \u00a0\tabđ ư", max_size=12))


@given(st.lists(NAMES, min_size=1, max_size=30))
def test_word_count_is_spaces_plus_one(keys):
    frame = pd.DataFrame({"canon_key": keys, "family": None, "given": None, "given_accented": None}, dtype=object)
    words = add_name_keys(frame)["words"]
    assert words.dtype == "int64"
    assert words.tolist() == [(k or "").count(" ") + 1 for k in keys]  # a missing name: one word, as an empty one
