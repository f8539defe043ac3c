"""Month-to-month re-verification: follow each person from one matched list to the next and say what changed.

Pure core: two result frames as `payout.read_result_list` loads them in, a `DiffResult` out; nothing prints or
writes. People are followed by the register ID (`Số định danh CSDLQG` of a matched row), then by the row key with
its check code, then by the check code alone, then by folded name + birth date; a row is never paired twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import PureWindowsPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.contract import Result, Status, fingerprint
from asxh_cli.frames import map_distinct
from asxh_cli.match.register import fold_array
from asxh_cli.normalize.dates import parse_date
from asxh_cli.normalize.values import parse_amount

Month = tuple[int, int]
"""(year, month) of a payout period."""


class Via(StrEnum):
    """How a person on the previous list was found on the current one."""

    REGISTER_ID = "register_id"
    ROW = "row"
    CHECK_CODE = "check_code"
    NAME_BIRTH = "name_birth"

    @property
    def label_vi(self) -> str:
        return VIA_LABELS[self][0]


VIA_LABELS: dict[Via, tuple[str, str]] = {
    Via.REGISTER_ID: ("Số định danh CSDLQG", "Register ID"),
    Via.ROW: ("Cùng dòng gốc và mã kiểm tra", "Same row and check code"),
    Via.CHECK_CODE: ("Mã kiểm tra", "Check code"),
    Via.NAME_BIRTH: ("Họ tên và ngày sinh", "Name and birth date"),
}

# Field → how values are compared. Info fields say who the person is; payment fields say how they are paid.
INFO_FIELDS = {
    "full_name": "text",
    "birth_date": "date",
    "sex": "text",
    "national_id": "digits",
    "address": "text",
    "commune": "text",
    "category": "text",
}
PAYMENT_FIELDS = {
    "payment_method": "text",
    "bank": "text",
    "account_number": "digits",
    "proxy_name": "text",
    "proxy_id": "digits",
    "amount": "money",
}
COLUMNS = (
    "full_name",
    "birth_date",
    "sex",
    "national_id",
    "address",
    "commune",
    "category",
    "category_code",
    "amount",
    "payment_method",
    "bank",
    "account_number",
    "proxy_name",
    "proxy_id",
    "register_id",
    "register_status",
    "result",
    "fingerprint",
    "death_date",
)
FIELDS_SHOWN = "fields_shown"
"""Optional column: the fields a row's source layout carries (a frozenset); other fields are never compared."""
FUNERAL_NOTE = "Báo gia đình: được đề nghị hỗ trợ chi phí mai táng (hỗ trợ mai táng phí) theo quy định."
MOVED_NOTE = "Dừng chi từ kỳ này; chuyển hồ sơ về nơi ở mới."


COUNT_LABELS: dict[str, tuple[str, str]] = {
    "previous": ("Số người kỳ trước", "People last time"),
    "current": ("Số người kỳ này", "People this time"),
    "unchanged": ("Không thay đổi", "Unchanged"),
    "changed": ("Có thay đổi", "Changed"),
    "left": ("Thôi hưởng / không còn trong danh sách", "Left the list"),
    "new": ("Mới", "New"),
    "died": ("Đã chết", "Died"),
    "moved": ("Chuyển đi", "Moved away"),
    "info_changed": ("Thay đổi thông tin cá nhân", "Personal details changed"),
    "cmnd_to_cccd": ("   trong đó CMND → CCCD", "   of which CMND → CCCD"),
    "payment_changed": ("Thay đổi chi trả", "Payment changed"),
    "account_changed": ("   trong đó đổi/thêm số tài khoản (cần kiểm tra)", "   of which account changed (check it)"),
    "result_changed": ("Kết quả đối sánh hoặc tình trạng thay đổi", "Match result or status changed"),
    "row_moved": ("Dòng chuyển sang sheet/tệp/dòng khác (vẫn theo dõi được)", "Row moved elsewhere (still followed)"),
    "months_to_recover": ("Số tháng đã chi sau khi mất", "Months paid after death"),
    "amount_to_recover": ("Số tiền phải thu hồi (đồng)", "Amount to recover (VND)"),
}
"""Every count with its Vietnamese and English label, in the order shown."""


@dataclass(frozen=True)
class Counts:
    """Every count of a diff; `previous = unchanged + changed + left` and `current = unchanged + changed + new`."""

    previous: int
    current: int
    unchanged: int
    changed: int
    left: int
    new: int
    died: int
    moved: int
    info_changed: int
    cmnd_to_cccd: int
    payment_changed: int
    account_changed: int
    result_changed: int
    row_moved: int
    months_to_recover: int
    amount_to_recover: int

    def as_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


@dataclass
class DiffResult:
    """Who was followed, who left, who is new, and every change, as tables with internal field names.

    `pairs` has one row per person followed (positions `prev`, `cur` in the two frames, `via`, and flags
    `info`, `payment`, `result`, `died`, `moved`, `changed`); `left` holds previous positions with a `reason`;
    `new` current positions. `died`, `moved`, `changes` (one row per changed field) and `results` are the
    report's sheets.
    """

    previous: pd.DataFrame
    current: pd.DataFrame
    pairs: pd.DataFrame
    left: pd.DataFrame
    new: pd.DataFrame
    died: pd.DataFrame
    moved: pd.DataFrame
    changes: pd.DataFrame
    results: pd.DataFrame
    counts: Counts

    @property
    def blocking(self) -> int:
        """People whose payment must stop or be recovered (dead or moved): the command exits 1 when any."""
        return self.counts.died + self.counts.moved


def compare(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    register: pd.DataFrame | None = None,
    paid_through: Month | None = None,
) -> DiffResult:
    """Follow every person of `previous` into `current` and classify what changed.

    `register` (optional): this month's register people (`national_id`, `status_kind`, `death_date`, `address`,
    `commune`, as `prepare_register` gives them) for death dates, new places and why people left.
    `paid_through`: the last month already paid, to count months paid after a death and the amount to recover.
    """
    prev, cur = _side(previous), _side(current)
    pairs = _pair(prev, cur)
    extract = _extract(register)
    changes = _changes(prev, cur, pairs)
    pairs["info"] = _flag(pairs, changes, "info")
    pairs["payment"] = _flag(pairs, changes, "payment")
    prev_status = prev["register_status"].to_numpy(dtype=object)[pairs["prev"]]
    cur_status = cur["register_status"].to_numpy(dtype=object)[pairs["cur"]]
    prev_result = prev["result"].to_numpy(dtype=object)[pairs["prev"]]
    cur_result = cur["result"].to_numpy(dtype=object)[pairs["cur"]]
    now = _now_status(cur_status, prev["rid"].to_numpy(dtype=object)[pairs["prev"]], extract)
    pairs["died"] = (now == Status.DEAD) & (prev_status != Status.DEAD)
    pairs["moved"] = (now == Status.MOVED) & np.array([s not in (Status.MOVED, Status.DEAD) for s in prev_status], bool)
    pairs["result"] = (prev_result != cur_result) | (prev_status != cur_status)
    pairs["changed"] = pairs[["info", "payment", "result", "died", "moved"]].any(axis=1)
    paired_prev = np.zeros(len(prev), dtype=bool)
    paired_prev[pairs["prev"]] = True
    paired_cur = np.zeros(len(cur), dtype=bool)
    paired_cur[pairs["cur"]] = True
    left = _left(prev, np.flatnonzero(~paired_prev), extract)
    new = pd.DataFrame({"cur": np.flatnonzero(~paired_cur)})
    died = _died(prev, cur, pairs, left, extract, paid_through)
    moved = _moved(prev, cur, pairs, left, extract)
    results = _results(prev, cur, pairs[pairs["result"]])
    counts = Counts(
        previous=len(prev),
        current=len(cur),
        unchanged=int((~pairs["changed"]).sum()),
        changed=int(pairs["changed"].sum()),
        left=len(left),
        new=len(new),
        died=len(died),
        moved=len(moved),
        info_changed=int(pairs["info"].sum()),
        cmnd_to_cccd=int((changes["note"] == "CMND → CCCD").sum()),
        payment_changed=int(pairs["payment"].sum()),
        account_changed=int(changes.loc[changes["field"] == "account_number", "cur"].nunique()),
        result_changed=int(pairs["result"].sum()),
        row_moved=int(
            (
                prev["row_id"].to_numpy(dtype=object)[pairs["prev"]]
                != cur["row_id"].to_numpy(dtype=object)[pairs["cur"]]
            ).sum()
        ),
        months_to_recover=int(pd.to_numeric(died["months_after"], errors="coerce").fillna(0).sum()),
        amount_to_recover=int(pd.to_numeric(died["to_recover"], errors="coerce").fillna(0).sum()),
    )
    return DiffResult(prev, cur, pairs, left, new, died, moved, changes, results, counts)


def check_accounting(diff: DiffResult) -> list[str]:
    """What does not add up, counted from the tables themselves (empty when everything balances).

    Each previous row is followed once or has left; each current row is followed once or is new; and the
    counts agree: previous = unchanged + changed + left, current = unchanged + changed + new.
    """
    problems = []
    c = diff.counts
    for side, total, alone, positions in (
        ("previous", len(diff.previous), diff.left["prev"], diff.pairs["prev"]),
        ("current", len(diff.current), diff.new["cur"], diff.pairs["cur"]),
    ):
        every = pd.concat([positions, alone], ignore_index=True)
        if every.duplicated().any():
            problems.append(f"{side}: a row is counted twice")
        if set(every) != set(range(total)):
            problems.append(f"{side}: {total} rows, {every.nunique()} accounted for")
    if c.previous != c.unchanged + c.changed + c.left:
        problems.append(f"previous {c.previous} ≠ {c.unchanged} + {c.changed} + {c.left}")
    if c.current != c.unchanged + c.changed + c.new:
        problems.append(f"current {c.current} ≠ {c.unchanged} + {c.changed} + {c.new}")
    if c.unchanged + c.changed != len(diff.pairs):
        problems.append(f"followed {len(diff.pairs)} ≠ {c.unchanged} + {c.changed}")
    return problems


def parse_month(text: str) -> Month | None:
    """'02/2026' or '2/2026' or '2026-02' → (2026, 2); anything else → None."""
    parts = [p for p in text.replace("-", "/").replace(".", "/").split("/") if p.strip()]
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    first, second = (int(p) for p in parts)
    year, month = (first, second) if first > 12 else (second, first)
    return (year, month) if 1 <= month <= 12 and 1900 <= year <= 2200 else None


# --- preparing each side


def _side(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns the diff reads (missing ones blank) plus keys: `rid`, `row_key`, `check`, `name_birth`."""
    out = frame.reset_index(drop=True).copy()
    for column in COLUMNS:
        if column not in out.columns:
            out[column] = None
    out = out.astype({c: object for c in COLUMNS})
    out = out.where(out.notna(), None)
    matched = (out["result"] == Result.MATCHED).to_numpy()
    out["rid"] = _objects(np.where(matched, out["register_id"].to_numpy(dtype=object), None), out.index)
    sheet = out["source_sheet"].fillna("").astype(str)
    out["row_key"] = out["source_file"].astype(str) + ":" + sheet + ":" + out["source_row"].astype(str)
    # The same row of a list from another month's folder: file name, sheet, row (the folder differs every month).
    names = map_distinct(out["source_file"], lambda f: PureWindowsPath(str(f)).name if f is not None else "")
    out["row_id"] = names.astype(str) + ":" + sheet + ":" + out["source_row"].astype(str)
    check = out["fingerprint"].copy()
    missing = check.isna()
    if missing.any():
        check[missing] = [
            fingerprint(n, b, i)
            for n, b, i in zip(
                out.loc[missing, "full_name"],
                out.loc[missing, "birth_date"],
                out.loc[missing, "national_id"],
                strict=True,
            )
        ]
    out["check"] = check
    name, born = fold_array(out["full_name"]), map_distinct(out["birth_date"], _date_key)
    has_both = (name.notna() & (name != "") & born.notna()).to_numpy()
    joined = [f"{n}|{b}" for n, b in zip(name, born, strict=True)]
    out["name_birth"] = _objects(np.where(has_both, joined, None), out.index)
    out["entitlement"] = _objects(_texts(out["category_code"].fillna(out["category"])).to_pylist(), out.index)
    return out


def _extract(register: pd.DataFrame | None) -> pd.DataFrame | None:
    """The register people by ID (the first row of an ID: their statuses were already settled)."""
    if register is None:
        return None
    people = register[register["national_id"].notna()]
    people = people.drop_duplicates("national_id").set_index("national_id")
    for column in ("status_kind", "death_date", "address", "commune"):
        if column not in people.columns:
            people[column] = None
    return people


def _now_status(cur_status: np.ndarray, prev_rid: np.ndarray, extract: pd.DataFrame | None) -> np.ndarray:
    """This month's status: the current match's, else the extract's for last month's register ID."""
    now = cur_status.copy()
    if extract is not None:
        looked = pd.Series(prev_rid, dtype=object).map(extract["status_kind"]).to_numpy(dtype=object)
        now = np.where(pd.isna(now), looked, now)
    return now


def _objects(values: object, index: pd.Index) -> pd.Series:
    """A column that keeps None as None (pandas would infer a string or float column with NaN)."""
    return pd.Series(list(values), index=index, dtype=object)  # type: ignore[call-overload]


# --- pairing


def _pair(prev: pd.DataFrame, cur: pd.DataFrame) -> pd.DataFrame:
    """One-to-one pairs, the strongest evidence first; each pass only sees rows still unpaired."""
    free_prev = np.ones(len(prev), dtype=bool)
    free_cur = np.ones(len(cur), dtype=bool)
    found: list[pd.DataFrame] = []
    passes = (
        (Via.REGISTER_ID, ("rid", "row_id"), False),
        (Via.REGISTER_ID, ("rid", "entitlement"), False),
        (Via.REGISTER_ID, ("rid",), False),
        (Via.ROW, ("row_id", "check"), False),
        (Via.CHECK_CODE, ("check",), True),
        (Via.NAME_BIRTH, ("name_birth",), True),
    )
    for via, columns, unique_only in passes:
        got = _pair_on(_key(prev, columns), _key(cur, columns), free_prev, free_cur, unique_only)
        if via != Via.REGISTER_ID:  # two different register people are never the same person
            p_rid = prev["rid"].to_numpy(dtype=object)[got["prev"]]
            c_rid = cur["rid"].to_numpy(dtype=object)[got["cur"]]
            got = got[pd.isna(p_rid) | pd.isna(c_rid) | (p_rid == c_rid)]
        free_prev[got["prev"]] = False
        free_cur[got["cur"]] = False
        found.append(got.assign(via=via.value))
    pairs = pd.concat(found, ignore_index=True).sort_values("prev", kind="stable").reset_index(drop=True)
    return pairs.astype({"prev": int, "cur": int})


def _key(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """The joined key of `columns`, None when any part is missing."""
    parts = [frame[c] for c in columns]
    key = parts[0].astype(object)
    missing = key.isna()
    for part in parts[1:]:
        missing |= part.isna()
        key = key.astype(str) + "\x1f" + part.astype(str)
    return key.where(~missing, None)


def _pair_on(
    prev_keys: pd.Series, cur_keys: pd.Series, free_prev: np.ndarray, free_cur: np.ndarray, unique_only: bool
) -> pd.DataFrame:
    """Pair free rows with equal keys, in order of appearance (the n-th with the n-th); optionally only keys that
    occur once on each side."""
    sides = []
    for keys, free, name in ((prev_keys, free_prev, "prev"), (cur_keys, free_cur, "cur")):
        part = pd.DataFrame({"key": keys.to_numpy(dtype=object), name: np.arange(len(keys))})[free]
        part = part[part["key"].notna()]
        part["n"] = part.groupby("key").cumcount()
        if unique_only:
            part = part[part.groupby("key")["key"].transform("size") == 1]
        sides.append(part)
    merged = sides[0].merge(sides[1], on=["key", "n"], how="inner")
    return merged[["prev", "cur"]].reset_index(drop=True)


# --- what changed


def _arrow(values: pd.Series) -> pa.Array:
    return pa.array(values.astype(object).where(values.notna(), None).tolist(), type=pa.string())


def _texts(values: pd.Series) -> pa.Array:
    """Text as compared: NFC, lower case, single spaces; blank → null (Arrow, vectorised)."""
    text = pc.utf8_normalize(_arrow(values), "NFC")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_lower(text), r"\s+", " "))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _digits(values: pd.Series) -> pa.Array:
    """The digits of an ID or account number (the text itself when it has none)."""
    text = _texts(values)
    digits = pc.replace_substring_regex(text, r"\D", "")
    return pc.if_else(pc.equal(digits, ""), text, digits)


def _dates(values: pd.Series) -> pa.Array:
    """A birth or death date in any written form → one key (year first), per distinct value."""
    return _arrow(map_distinct(values, _date_key))


def _amounts(values: pd.Series) -> pa.Array:
    """Whole đồng as text; an amount that cannot be read is compared as written."""
    return _arrow(map_distinct(values, _money))


def _norm_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()
    return text or None


@functools.lru_cache(maxsize=200_000)
def _date_key(value: object) -> str | None:
    return None if _norm_text(value) is None else fingerprint(None, value, None)


def _money(value: object) -> str | None:
    text = _norm_text(value)
    if text is None:
        return None
    amount = parse_amount(text).value
    return str(amount) if amount is not None else text


MISSING = "\x00"
NORMALISERS = {"text": _texts, "digits": _digits, "date": _dates, "money": _amounts}


def _changes(prev: pd.DataFrame, cur: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per (person followed, field that changed): old and new values as written, a note, a flag."""
    found = []
    for group, spec in (("info", INFO_FIELDS), ("payment", PAYMENT_FIELDS)):
        for name, kind in spec.items():
            norm = NORMALISERS[kind]
            old = pc.fill_null(norm(prev[name]).take(pa.array(pairs["prev"].to_numpy())), MISSING)
            new = pc.fill_null(norm(cur[name]).take(pa.array(pairs["cur"].to_numpy())), MISSING)
            differ = pc.not_equal(old, new).to_numpy(zero_copy_only=False)
            differ &= _shown(prev, name)[pairs["prev"]] & _shown(cur, name)[pairs["cur"]]
            if not differ.any():
                continue
            rows = pairs.loc[differ, ["prev", "cur"]].copy()
            rows["group"], rows["field"] = group, name
            rows["old"] = _objects(prev[name].to_numpy(dtype=object)[rows["prev"]], rows.index)
            rows["new"] = _objects(cur[name].to_numpy(dtype=object)[rows["cur"]], rows.index)
            rows["note"] = _objects(
                [_note(name, o, n) for o, n in zip(rows["old"], rows["new"], strict=True)], rows.index
            )
            rows["check"] = name in ("account_number", "proxy_id", "proxy_name")
            found.append(rows)
    columns = ["prev", "cur", "group", "field", "old", "new", "note", "check"]
    if not found:
        return pd.DataFrame(columns=columns).astype({"prev": int, "cur": int, "check": bool})
    return pd.concat(found, ignore_index=True).sort_values(["prev", "group"], kind="stable").reset_index(drop=True)


def _shown(side: pd.DataFrame, name: str) -> np.ndarray:
    """Rows whose layout carries the field (a printed list without an account column says nothing about it)."""
    if FIELDS_SHOWN not in side.columns:
        return np.ones(len(side), dtype=bool)
    return np.array([shown is None or name in shown for shown in side[FIELDS_SHOWN]], dtype=bool)


def _note(name: str, old: object, new: object) -> str | None:
    old_digits, new_digits = (re.sub(r"\D", "", str(v)) if _norm_text(v) else "" for v in (old, new))
    if name == "national_id" and len(old_digits) == 9 and len(new_digits) == 12:
        return "CMND → CCCD"
    if name == "account_number":
        if not old_digits:
            return "Thêm tài khoản: đối chiếu giấy tờ với người hưởng trước khi chi"
        return "Đổi số tài khoản: xác minh trực tiếp với người hưởng trước khi chi"
    if name in ("proxy_name", "proxy_id"):
        return "Đổi người nhận thay: kiểm tra giấy ủy quyền"
    return None


def _flag(pairs: pd.DataFrame, changes: pd.DataFrame, group: str) -> np.ndarray:
    touched = np.zeros(int(pairs["prev"].max()) + 1 if len(pairs) else 0, dtype=bool)
    touched[changes.loc[changes["group"] == group, "prev"].to_numpy(dtype=int)] = True
    return touched[pairs["prev"].to_numpy(dtype=int)] if len(pairs) else np.zeros(0, dtype=bool)


# --- people who left, died, moved; results that changed


def _left(prev: pd.DataFrame, positions: np.ndarray, extract: pd.DataFrame | None) -> pd.DataFrame:
    """Previous rows not followed, with why when it is known (the previous match or this month's register)."""
    status = prev["register_status"].to_numpy(dtype=object)[positions]
    rid = prev["rid"].to_numpy(dtype=object)[positions]
    now = _now_status(np.full(len(positions), None, dtype=object), rid, extract)
    reasons = []
    for before, after in zip(status, now, strict=True):
        if after == Status.DEAD:
            reasons.append("Đã chết (theo CSDLQG tháng này)")
        elif after == Status.MOVED:
            reasons.append("Đã chuyển đi (theo CSDLQG tháng này)")
        elif before == Status.DEAD:
            reasons.append("Đã chết (theo kết quả đối sánh tháng trước)")
        elif before == Status.MOVED:
            reasons.append("Đã chuyển đi (theo kết quả đối sánh tháng trước)")
        else:
            reasons.append("Không còn trong danh sách (đã rút khỏi danh sách)")
    out = pd.DataFrame({"prev": positions.astype(int)})
    for name, values in (("reason", reasons), ("now_status", now), ("prev_status", status)):
        out[name] = _objects(values, out.index)
    return out


def _person(side: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """Identity columns of some rows of one side."""
    columns = ["row_key", "full_name", "birth_date", "national_id", "register_id", "commune", "category", "amount"]
    return side[columns].iloc[positions].reset_index(drop=True)


def _died(
    prev: pd.DataFrame,
    cur: pd.DataFrame,
    pairs: pd.DataFrame,
    left: pd.DataFrame,
    extract: pd.DataFrame | None,
    paid_through: Month | None,
) -> pd.DataFrame:
    """Alive (or unknown) last time, dead now: on the current list still, or gone from it."""
    on = pairs[pairs["died"]]
    gone = left[(left["now_status"] == Status.DEAD) & (left["prev_status"] != Status.DEAD)]
    rows = pd.concat(
        [
            _person(cur, on["cur"].to_numpy()).assign(on_list=True, prev_key=prev["row_key"].to_numpy()[on["prev"]]),
            _person(prev, gone["prev"].to_numpy()).assign(on_list=False, prev_key=None),
        ],
        ignore_index=True,
    )
    prev_pos = np.concatenate([on["prev"].to_numpy(), gone["prev"].to_numpy()]).astype(int)
    rows["amount"] = _objects(prev["amount"].to_numpy(dtype=object)[prev_pos], rows.index)  # what was paid each month
    list_dates = np.concatenate(
        [cur["death_date"].to_numpy(dtype=object)[on["cur"]], np.full(len(gone), None, dtype=object)]
    )
    rids = np.concatenate(
        [cur["rid"].to_numpy(dtype=object)[on["cur"]], prev["rid"].to_numpy(dtype=object)[gone["prev"]]]
    )
    rids = np.where(pd.isna(rids), prev["rid"].to_numpy(dtype=object)[prev_pos], rids)
    register_dates = (
        pd.Series(rids, dtype=object).map(extract["death_date"]).to_numpy(dtype=object)
        if extract is not None
        else np.full(len(rows), None, dtype=object)
    )
    rows["death_date"] = _objects(
        [r if _norm_text(r) else d for r, d in zip(register_dates, list_dates, strict=True)], rows.index
    )
    rows["death_source"] = _objects(
        [
            "CSDLQG" if _norm_text(r) else ("Danh sách" if _norm_text(d) else None)
            for r, d in zip(register_dates, list_dates, strict=True)
        ],
        rows.index,
    )
    rows["last_paid"] = f"{paid_through[1]:02d}/{paid_through[0]}" if paid_through else None
    months = [_months_after(d, paid_through) for d in rows["death_date"]]
    rows["months_after"] = _objects(months, rows.index)
    rows["to_recover"] = _objects(
        [
            m * int(a) if m is not None and (a := _money(v)) and a.isdigit() else None
            for m, v in zip(months, rows["amount"], strict=True)
        ],
        rows.index,
    )
    rows["note"] = FUNERAL_NOTE
    return rows


def _months_after(death_date: object, paid_through: Month | None) -> int | None:
    """Months paid after the month of death (the allowance stops from the month after it), or None if unknown."""
    if paid_through is None or _norm_text(death_date) is None:
        return None
    parsed = parse_date(str(death_date), dt.date.today())
    if parsed.year is None or parsed.month is None:
        return None
    return max(0, (paid_through[0] * 12 + paid_through[1]) - (parsed.year * 12 + parsed.month))


def _moved(
    prev: pd.DataFrame, cur: pd.DataFrame, pairs: pd.DataFrame, left: pd.DataFrame, extract: pd.DataFrame | None
) -> pd.DataFrame:
    """Moved out since last time, with the new place when the register extract has it."""
    on = pairs[pairs["moved"]]
    gone = left[(left["now_status"] == Status.MOVED) & ~left["prev_status"].isin([Status.MOVED, Status.DEAD])]
    rows = pd.concat(
        [
            _person(cur, on["cur"].to_numpy()).assign(on_list=True),
            _person(prev, gone["prev"].to_numpy()).assign(on_list=False),
        ],
        ignore_index=True,
    )
    rids = np.concatenate(
        [prev["rid"].to_numpy(dtype=object)[on["prev"]], prev["rid"].to_numpy(dtype=object)[gone["prev"]]]
    )
    if extract is not None:
        found = pd.Series(rids, dtype=object)
        address, commune = found.map(extract["address"]), found.map(extract["commune"])
        rows["new_place"] = _objects(
            [", ".join(str(v) for v in (a, c) if _norm_text(v)) or None for a, c in zip(address, commune, strict=True)],
            rows.index,
        )
    else:
        rows["new_place"] = None
    rows["note"] = MOVED_NOTE
    return rows


def _results(prev: pd.DataFrame, cur: pd.DataFrame, changed: pd.DataFrame) -> pd.DataFrame:
    """Followed people whose match result or register status changed, old and new side by side."""
    rows = _person(cur, changed["cur"].to_numpy())
    rows["prev_key"] = _objects(prev["row_key"].to_numpy(dtype=object)[changed["prev"]], rows.index)
    rows["via"] = _objects(changed["via"].to_numpy(dtype=object), rows.index)
    for name in ("result", "register_status"):
        rows[f"old_{name}"] = _objects(prev[name].to_numpy(dtype=object)[changed["prev"]], rows.index)
        rows[f"new_{name}"] = _objects(cur[name].to_numpy(dtype=object)[changed["cur"]], rows.index)
    return rows
