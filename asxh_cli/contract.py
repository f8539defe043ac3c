"""The typed contract every command speaks: result and status codes, row keys and fingerprints.

Codes live in the core; Vietnamese or English labels are applied only by writers and the CLI.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.messages import pick
from asxh_cli.normalize.text import fold
from asxh_cli.values import arrow_texts, exact_distinct

E = TypeVar("E", bound=StrEnum)


class Result(StrEnum):
    """What matching decided for one list row."""

    MATCHED = "matched"
    REVIEW = "review"
    NOT_FOUND = "not_found"

    @property
    def label(self) -> str:
        return pick(*RESULT_LABELS[self])

    @property
    def label_vi(self) -> str:
        return RESULT_LABELS[self][0]


class Status(StrEnum):
    """A person's state in the population register."""

    ALIVE = "alive"
    DEAD = "dead"
    MOVED = "moved"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return pick(*STATUS_LABELS[self])

    @property
    def label_vi(self) -> str:
        return STATUS_LABELS[self][0]


RESULT_LABELS: dict[Result, tuple[str, str]] = {
    Result.MATCHED: ("Khớp", "Matched"),
    Result.REVIEW: ("Cần xác minh", "To review"),
    Result.NOT_FOUND: ("Không tìm thấy", "Not found"),
}
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.ALIVE: ("Còn sống", "Alive"),
    Status.DEAD: ("Đã chết", "Dead"),
    Status.MOVED: ("Đã chuyển đi", "Moved away"),
    Status.UNKNOWN: ("Không rõ", "Unknown"),
}


def parse_result(text: object) -> Result | None:
    """A result code or label (Vietnamese or English, as written in a result file) → Result."""
    return _lookup(text, Result, RESULT_LABELS)


def parse_status(text: object) -> Status | None:
    """A status code or label (as written in a result file) → Status."""
    return _lookup(text, Status, STATUS_LABELS)


def _lookup(text: object, enum: type[E], labels: dict[E, tuple[str, str]]) -> E | None:
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    folded = value.casefold()
    for member in enum:
        if folded in (member.value, *(label.casefold() for label in labels[member])):
            return member
    return None


RowKey = tuple[str, str, int]
"""A list row's stable identity: the input path as given, the sheet, the Excel row (CSV: line number)."""


def row_key(source_file: object, source_sheet: object, source_row: object) -> RowKey:
    """The key of a row from its provenance values (as read from a frame or a result file)."""
    sheet = (
        ""
        if source_sheet is None or (isinstance(source_sheet, float) and source_sheet != source_sheet)
        else source_sheet
    )
    return (str(source_file), str(sheet), int(str(source_row).strip().removesuffix(".0")))


def key_label(key: RowKey) -> str:
    """`Tệp gốc:Sheet gốc:Dòng gốc`, the unambiguous form used in `Trùng với` and messages."""
    return f"{key[0]}:{key[1]}:{key[2]}"


def parse_key_label(text: str) -> RowKey | None:
    """Inverse of key_label (a file path may itself hold ':'; a sheet name never does)."""
    parts = text.strip().rsplit(":", 2)
    if len(parts) != 3 or not parts[2].strip().isdigit():
        return None
    return (parts[0], parts[1], int(parts[2]))


def fingerprint(name: object, birth_date: object, national_id: object) -> str:
    """A short check code of who is on a row: folded name, birth date (any written form), ID digits.

    Decisions and survey answers carry it; one whose row now holds someone else is refused.
    """
    return _check_code(f"{_name_part(name)}|{_date_part(birth_date)}|{_id_part(national_id)}")


def _check_code(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=CODE_BYTES).hexdigest().upper()


def _name_part(value: object) -> str:
    return fold(str(value)) if _present(value) else ""


def _date_part(value: object) -> str:
    return _date_digits(value) if _present(value) else ""


def _id_part(value: object) -> str:
    if not _present(value):
        return ""
    text = str(value)
    return text if text.isdigit() else "".join(filter(str.isdigit, text))


def _date_digits(value: object) -> str:
    """'05/03/1950', '1950-03-05' → '19500305'; '03/1950', '1950-03' → '195003'; the year first either way."""
    parts = re.findall(r"\d+", str(value))
    if parts and len(parts[0]) != 4:
        parts.reverse()
    return "".join(p.zfill(2) for p in parts)


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and str(value).strip() != ""


def row_fingerprints(data: pd.DataFrame) -> list[str]:
    """The check code of every row of a cleaned table (full_name, birth_date, national_id), as `fingerprint`
    gives it."""
    return fingerprint_array(data).to_pylist()


def fingerprint_array(data: pd.DataFrame) -> pa.Array:
    """`row_fingerprints` as a pyarrow text array: each part computed once per distinct value (dates and IDs
    written plainly by pyarrow), each code once per distinct `name|date|id` text."""
    if not len(data):
        return pa.array([], type=pa.string())
    parts = [
        _parts(data["full_name"], _name_part, None),
        _parts(data["birth_date"], _date_part, _plain_date_digits),
        _parts(data["national_id"], _id_part, _ascii_id_digits),
    ]
    encoded = pc.dictionary_encode(pc.binary_join_element_wise(*parts, "|"))
    return _check_codes(encoded.dictionary).take(encoded.indices)


Fast = Callable[[pa.Array], tuple[pa.Array, pa.Array]]  # texts → (part, where that part is right)


def _parts(column: pd.Series, part: Callable[[object], str], fast: Fast | None) -> pa.Array:
    """`part` of every cell (a missing cell as None) as a text array, called once per distinct value; where the
    column holds texts, `fast` gives the part of the texts it knows."""
    texts = arrow_texts(column) if fast else None
    if texts is None or fast is None:
        codes, uniques = exact_distinct(column)
        values = pa.array([*(part(u) for u in uniques), part(None)], type=pa.string())
        return values.take(pa.array(np.where(codes < 0, len(uniques), codes)))
    encoded = pc.dictionary_encode(texts)
    dictionary = encoded.dictionary
    values, known = fast(dictionary)
    if not pc.all(known).as_py():
        unknown = pc.invert(known)
        turned = [part(t) for t in dictionary.filter(unknown).to_pylist()]
        values = pc.replace_with_mask(values, unknown, pa.array(turned, type=pa.string()))
    return pc.fill_null(values.take(encoded.indices), part(None))


def _plain_date_digits(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """`_date_part` of dates written as the cleaning writes them (yyyy, yyyy-mm, yyyy-mm-dd): the digits."""
    return pc.replace_substring(texts, "-", ""), pc.match_substring_regex(texts, r"^[0-9]{4}(-[0-9]{2}){0,2}$")


def _ascii_id_digits(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """`_id_part` of ASCII texts: their digits."""
    return pc.replace_substring_regex(texts, "[^0-9]", ""), pc.string_is_ascii(texts)


_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
CODE_BYTES = 5


def _check_codes(texts: pa.Array) -> pa.Array:
    """`_check_code` of every text (none missing): one hash per text, the hex digits by numpy."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset : texts.offset + len(texts) + 1]
    buffer = texts.buffers()[2]
    data = memoryview(b"" if buffer is None else buffer)
    digests = b"".join(
        hashlib.blake2b(data[a:b], digest_size=CODE_BYTES).digest() for a, b in pairwise(offsets.tolist())
    )
    raw = np.frombuffer(digests, dtype=np.uint8)
    hex_digits = np.empty(2 * len(raw), dtype=np.uint8)
    hex_digits[0::2], hex_digits[1::2] = _HEX[raw >> 4], _HEX[raw & 15]
    code_offsets = np.arange(0, 2 * CODE_BYTES * (len(texts) + 1), 2 * CODE_BYTES, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(texts), [None, pa.py_buffer(code_offsets), pa.py_buffer(hex_digits)])
