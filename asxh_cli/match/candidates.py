"""Candidate register people for each list row: blocking keys that survive typing slips.

- the listed ID, exactly and one slip away (a digit typed wrong anywhere, including the province code;
  two neighbours swapped; a digit dropped or added), as integer keys against the register ID or old CMND;
- family + given name with the birth year and the month or the day (all namesakes of the year when either
  side knows only the year), or with day and month (a wrong year);
- the full birth date with the family or the given name (a typo in the other);
- the birth year with the commune and the thôn/tổ or the given name (name typos, year-only dates);
  without a birth year, the commune with family and given name;
- for rows still without a same-name or same-ID candidate: birth year, sex and the initials of the name
  (a typo in both family and given name).

Every step is a merge on a key, so the cost grows with the number of plausible pairs, never with
list × register.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Self

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from asxh_cli.match.id_numbers import as_integers, stored_id_columns
from asxh_cli.match.radix import radix_order
from asxh_cli.match.scoring import Sides, gather

POWERS = 10 ** np.arange(14, dtype=np.int64)
JOIN_THREADS = 2
CODED = ("family", "given", "birth_date", "commune_key", "locality", "sex")  # blocking columns coded alike
BIRTH_PARTS = ("birth_year", "birth_month", "birth_day")  # blocking columns that are their own codes


def _digit_matrix(values: pd.Series) -> np.ndarray:
    raw = np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8) - ord("0")
    return raw.reshape(len(values), -1).astype(np.int64)


def _neighbour_keys(digits: np.ndarray, target: int) -> np.ndarray:
    """Integer keys of all `target`-digit IDs one slip from each row of `digits` (n × L), shape (n, k)."""
    n, length = digits.shape
    base = digits @ POWERS[:length][::-1]
    keys = []
    if length == target:
        place = POWERS[:length][::-1]
        for i in range(length):
            for d in range(10):
                keys.append(base + (d - digits[:, i]) * place[i])
        for i in range(length - 1):
            delta = digits[:, i + 1] - digits[:, i]
            keys.append(base + delta * place[i] - delta * place[i + 1])
    elif length == target + 1:
        for i in range(length):
            high, low = base // POWERS[length - i], base % POWERS[length - 1 - i]
            keys.append(high * POWERS[length - 1 - i] + low)
    elif length == target - 1:
        for i in range(length + 1):
            high, low = base // POWERS[length - i], base % POWERS[length - i]
            for d in range(10):
                keys.append(high * POWERS[length - i + 1] + d * POWERS[length - i] + low)
    return np.stack(keys, axis=1) if keys else np.zeros((n, 0), dtype=np.int64)


class _Sorted:
    """Register keys sorted once, with their register rows: each lookup is a binary search."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys)
        self.keys, self.rows = keys[order], rows[order]

    @classmethod
    def presorted(cls, keys: np.ndarray, rows: np.ndarray) -> Self:
        """Keys already in order (checked by the caller), with their rows."""
        made = cls.__new__(cls)
        made.keys, made.rows = keys, rows
        return made

    def blocks(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first position, count) of the register rows holding each key (the position means nothing where the
        count is 0). The keys are searched in their sorted order, each search starting where the last ended
        (millions of register keys: fewer cache misses), and the end of a block only for keys found."""
        order = np.argsort(keys, kind="stable")
        first = np.empty(len(keys), dtype=np.intp)
        first[order] = np.searchsorted(self.keys, keys[order], side="left")
        counts = np.zeros(len(keys), dtype=np.intp)
        inside = np.flatnonzero(first < len(self.keys))
        found = inside[self.keys[first[inside]] == keys[inside]]
        counts[found] = np.searchsorted(self.keys, keys[found], side="right") - first[found]
        return first, counts


class _IdIndex(_Sorted):
    """Register IDs sorted, with hashed flags of them (a bit per slot, about 8 slots per ID): most of the
    millions of keys one typing slip from the listed IDs are absent, and the flags rule them out without a
    binary search."""

    def flag(self) -> Self:
        """Set the flags of the keys (made once per register, ahead of the lists); returns the index."""
        self.bits, table = _flag_table(self.keys, 8, FLAG_BITS)
        self.flags = np.packbits(table, bitorder="little")
        return self

    def may_hold(self, keys: np.ndarray) -> np.ndarray:
        """False where `keys` surely holds no register ID; True where it may."""
        slots = _slots(keys, self.bits)
        return (self.flags[slots >> 3] >> (slots & 7).astype(np.uint8) & 1).astype(bool)


def _gathered(owners: np.ndarray, first: np.ndarray, counts: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """(b, r): each list row `owners[i]` with the register rows `rows[first[i] : first[i] + counts[i]]`."""
    starts = np.repeat(first - np.r_[0, np.cumsum(counts)[:-1]], counts)
    return pd.DataFrame({"b": np.repeat(owners, counts), "r": rows[starts + np.arange(counts.sum())]})


def _id_index(numbers: np.ndarray, order: np.ndarray | None = None) -> _IdIndex:
    """Register ID numbers (NaN: no ID) sorted for looking up many listed keys, exact or one slip away; `order`
    (the prepared register's, `id_numbers.id_columns`) is used when it is exactly that sort of these numbers."""
    known = ~np.isnan(numbers)
    index = _ordered_index(numbers, known, order) if order is not None else None
    if index is not None:
        return index
    rows = np.flatnonzero(known)
    return _IdIndex(as_integers(numbers[rows]), rows).flag()


def _ordered_index(numbers: np.ndarray, known: np.ndarray, order: np.ndarray) -> _IdIndex | None:
    """The index taken from `order` without sorting, if it puts exactly the `known` rows first, in the order of
    their `numbers`; None otherwise (another frame's order, a part of this one's)."""
    rows = order[: int(known.sum())]
    if len(order) != len(numbers) or (len(rows) and not 0 <= rows.min() <= rows.max() < len(numbers)):
        return None
    keys = numbers[rows]
    if known[rows].all() and (keys[1:] >= keys[:-1]).all() and _distinct(rows, len(numbers)):
        return _IdIndex.presorted(as_integers(keys), rows).flag()
    return None


def _distinct(rows: np.ndarray, size: int) -> bool:
    """Whether no row number (below `size`) appears twice."""
    seen = np.zeros(size, dtype=bool)
    seen[rows] = True
    return int(seen.sum()) == len(rows)


def _found(index: _IdIndex, owners: np.ndarray, keys: np.ndarray) -> pd.DataFrame:
    maybe = index.may_hold(keys)
    return _gathered(owners[maybe], *index.blocks(keys[maybe]), index.rows)


def _id_pairs(ben: pd.DataFrame, register: _IdIndex, lengths: tuple[int, ...], target: int) -> pd.DataFrame:
    """(b, r) where the listed ID equals a register key (exact first; one slip for rows without an exact hit)."""
    alternative = ben.loc[ben["id_alt"].notna(), ["b", "id_alt"]].rename(columns={"id_alt": "id_digits"})
    listed = pd.concat([ben.loc[ben["id_digits"].notna(), ["b", "id_digits"]], alternative], ignore_index=True)
    listed = listed[listed["id_digits"].str.len().isin(lengths)]
    exact = listed[listed["id_digits"].str.len() == target]
    found = _found(register, exact["b"].to_numpy(), pd.to_numeric(exact["id_digits"]).to_numpy(dtype=np.int64))
    parts = [found]
    missed = listed[~listed["b"].isin(found["b"])]
    for _length, group in missed.groupby(missed["id_digits"].str.len()):
        keys = _neighbour_keys(_digit_matrix(group["id_digits"]), target)
        near = _found(register, np.repeat(group["b"].to_numpy(), keys.shape[1]), keys.ravel())
        parts.append(near.drop_duplicates())
    return pd.concat(parts, ignore_index=True)


def _shifted_keys(frame: pd.DataFrame, on: list[str], radix: list[int]) -> np.ndarray:
    """The columns' codes + 1 folded into one integer per row: a row with an unknown code (-1) has a 0 digit, so
    its key equals no key of a row whose codes are all known."""
    key, shift = np.zeros(len(frame), dtype=np.int64), 0
    for column, size in zip(on, radix, strict=True):
        key *= size
        key += frame[column].to_numpy()  # int32 register codes are widened on the fly, never copied whole
        shift = shift * size + 1
    key += shift  # the + 1 of every code, added once
    return key


FLAG_BITS = (12, 27)  # the register IDs' flags: 512 bytes to 16 MB
HASH_BITS = (12, 26)  # the smallest and largest filter table: 4 KB to 64 MB of flags
HASH_ROOM = 32  # table slots per wanted key: about 1 register row in 32 passes the filter by chance


def _flag_table(keys: np.ndarray, room: int, limits: tuple[int, int]) -> tuple[int, np.ndarray]:
    """(bits, table): a flag per hashed slot, `room` slots per key (2**bits of them, bits within `limits`), set
    where a key falls. A key whose slot is not set is surely not among `keys`."""
    bits = int(np.clip(np.ceil(np.log2(max(1, len(keys)) * room)), *limits))
    table = np.zeros(1 << bits, dtype=bool)
    table[_slots(keys, bits)] = True
    return bits, table


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    """Multiplicative hashing of int64 keys into `bits`-bit slots (the products wrap around, as they should)."""
    slots = keys.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    slots >>= np.uint64(64 - bits)
    return slots.view(np.int64)


def _lookup(wanted: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in `keys` of a key in `wanted` (sorted, distinct), and that key's position in `wanted`).

    Millions of register keys meet a list's few thousand: a table of hashed flags lets through the keys that may
    be wanted (all of the wanted ones, and by chance about one in HASH_ROOM), and only those are looked up."""
    bits, table = _flag_table(wanted, HASH_ROOM, HASH_BITS)
    maybe = np.flatnonzero(table[_slots(keys, bits)])
    where = pd.Index(wanted).get_indexer(keys[maybe])  # a hash lookup: many times faster than a binary search
    found = where >= 0
    return maybe[found], where[found]


class BlockIndex(_Sorted):
    """The register side of one blocking key, sorted once: later lookups are binary searches. Worth building
    when several parts of a long list are matched against the same register (each part would otherwise scan
    millions of register rows per key)."""

    def __init__(self, right: pd.DataFrame, on: list[str], radix: list[int]) -> None:
        self.radix = radix
        known = (right[on].to_numpy() >= 0).all(axis=1)
        super().__init__(_shifted_keys(right, on, radix)[known], right["r"].to_numpy()[known])

    def lookup(self, left: pd.DataFrame, on: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(known list rows, first position, count) of each list row's block; a code the register never
        uses cannot be joined."""
        codes = left[on].to_numpy()
        known = np.flatnonzero(((codes >= 0) & (codes < np.array(self.radix) - 1)).all(axis=1))
        return known, *self.blocks(_shifted_keys(left.iloc[known], on, self.radix))


class Blocks:
    """The register's blocking keys for one run: scanned per key for a single list part, or sorted once per
    key (`BlockIndex`, kept in `store`) when the list comes in several parts."""

    def __init__(self, store: dict | None) -> None:
        self.store = store

    def index(self, right: pd.DataFrame, subset: str, on: list[str]) -> BlockIndex | None:
        if self.store is None:
            return None
        name = ("block", subset, *on)
        if name not in self.store:
            radix = [int(right[c].to_numpy().max(initial=0)) + 2 for c in on]
            fits = float(np.prod(radix, dtype="float64")) < 2.0**62  # the folded key stays an int64
            self.store[name] = BlockIndex(right, on, radix) if fits else None
        return self.store[name]  # type: ignore[return-value]


def _merge(
    left: pd.DataFrame,
    right: pd.DataFrame,
    on: list[str],
    cap: int | None = None,
    narrow: str | None = None,
    index: Callable[[list[str]], BlockIndex | None] | None = None,
) -> pd.DataFrame:
    """Inner join on integer key codes (-1 = unknown, never joined), folded into one integer key.

    With `cap`, a list row whose key more than `cap` register people share is joined on `narrow` too (its
    commune, say), unless the row does not know `narrow`. Without an `index`, the register side is scanned
    once: a lookup of its keys among the list's distinct keys, then a gather (a register of millions costs one
    pass, not a hash join); with one, the list's keys are looked up in the register's sorted keys.
    """
    if len(left) == 0:  # nothing to look for: no pass over the register
        return pd.DataFrame({"b": np.zeros(0, dtype=np.int64), "r": np.zeros(0, dtype=np.int64)})
    built = index(on) if index else None
    if built is not None:
        rows, first, sizes = built.lookup(left, on)
        b, rights = left["b"].to_numpy()[rows], built.rows
    else:
        radix = [int(max(left[c].to_numpy().max(initial=0), right[c].to_numpy().max(initial=0))) + 2 for c in on]
        if float(np.prod(radix, dtype="float64")) >= 2.0**62:
            left = left[(left[on] >= 0).all(axis=1)]
            right = right[(right[on] >= 0).all(axis=1)]
            return left[["b", *on]].merge(right[["r", *on]], on=on, how="inner")[["b", "r"]]
        left_key, right_key = _shifted_keys(left, on, radix), _shifted_keys(right, on, radix)
        rows = np.flatnonzero((left[on].to_numpy() >= 0).all(axis=1))
        b, key = left["b"].to_numpy()[rows], left_key[rows]
        wanted = np.unique(key)
        hit, where = _lookup(wanted, right_key)
        block_sizes = np.bincount(where, minlength=len(wanted))
        block = np.searchsorted(wanted, key)
        first, sizes = np.r_[0, np.cumsum(block_sizes)[:-1]][block], block_sizes[block]
        rights = right["r"].to_numpy()[hit[radix_order(where)]]
    parts = []
    if cap is not None and narrow is not None:
        crowded = (sizes > cap) & (left[narrow].to_numpy(dtype=np.int64)[rows] >= 0)
        if crowded.any():
            if built is None:
                parts.append(_within_blocks(left, right, rows[crowded], block[crowded], hit, where, narrow))
            else:
                parts.append(_merge(left.iloc[rows[crowded]], right, [*on, narrow], index=index))
            b, first, sizes = b[~crowded], first[~crowded], sizes[~crowded]
    parts.append(_gathered(b, first, sizes, rights))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _within_blocks(
    left: pd.DataFrame,
    right: pd.DataFrame,
    rows: np.ndarray,
    blocks: np.ndarray,
    hit: np.ndarray,
    where: np.ndarray,
    narrow: str,
) -> pd.DataFrame:
    """The join of list `rows` (in `blocks`) with the register people of the same block on `narrow` too: only the
    people found in those blocks (`hit`, block `where`) can share the narrower key, so there is no second pass
    over the register, and the block number stands for the key it was found by."""
    in_crowded = np.zeros(int(where.max(initial=-1)) + 1, dtype=bool)
    in_crowded[blocks] = True
    people = hit[in_crowded[where]]
    narrowed_left = pd.DataFrame(
        {"b": left["b"].to_numpy()[rows], "block": blocks, narrow: left[narrow].to_numpy()[rows]}
    )
    narrowed_right = pd.DataFrame(
        {
            "r": right["r"].to_numpy()[people],
            "block": where[in_crowded[where]],
            narrow: right[narrow].to_numpy()[people],
        }
    )
    return _merge(narrowed_left, narrowed_right, ["block", narrow])


def _coded(ben: pd.DataFrame, reg: pd.DataFrame, sides: Sides) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both sides' blocking keys as shared integer codes (-1 = unknown); birth parts are their own codes."""
    left, right = pd.DataFrame({"b": ben["b"].to_numpy()}), _register_frame(reg, sides)
    for column in CODED:
        left[column] = sides.codes(column, keep_empty=True)[0]
    for column in BIRTH_PARTS:
        left[column] = _birth_codes(ben[column])
    return left, right


def register_arrays(reg: pd.DataFrame) -> dict:
    """The arrays of a prepared register that every match against it needs, whatever the list (sorted IDs,
    block codes, categories): made ahead, on the other core while the lists are read, and passed to
    `match_beneficiaries`."""
    sides = Sides(pd.DataFrame(), reg)
    _register_frame(reg, sides)
    for column in ("canon_key", "given", "pair_key", "given_accented", "province_key"):
        if sides.stable(column):
            sides.codes(column)
    sides.keep_births()
    ids = [column for column in ("national_id", "old_id") if column in reg.columns and reg[column].notna().any()]
    with ThreadPoolExecutor(max_workers=2) as pool:  # each ID column apart: mostly numpy and Arrow, two at a time
        list(pool.map(lambda column: _keep_ids(reg, sides, column), ids))
    return sides.register_arrays


def _keep_ids(reg: pd.DataFrame, sides: Sides, column: str) -> None:
    _sorted_ids(reg, sides, column)
    sides.keep_id_numbers(column)


def _sorted_ids(reg: pd.DataFrame, sides: Sides, column: str) -> _IdIndex:
    if ("sorted", column) not in sides.register_arrays:
        index = _stored_id_index(reg, column)
        if index is None:
            order = reg[f"{column}_order"].to_numpy() if f"{column}_order" in reg.columns else None
            index = _id_index(sides.numbers("reg", column), order)
        sides.register_arrays[("sorted", column)] = index
    return sides.register_arrays[("sorted", column)]


def _stored_id_index(reg: pd.DataFrame, column: str) -> _IdIndex | None:
    """The sorted IDs from a prepared register's own arrays (`id_columns`), without reading its texts again, if
    the stored order puts the IDs that read as numbers first, in order (else None: a part of the frame, say)."""
    stored = stored_id_columns(reg, column)
    return None if stored is None else _ordered_index(stored["number"], stored["numeric"], stored["order"])


def _register_frame(reg: pd.DataFrame, sides: Sides) -> pd.DataFrame:
    """The register's blocking codes, one column per blocking column; kept with the register's arrays when they
    are its own codes (the same whatever list is matched), so that they are made once."""
    if "coded" in sides.register_arrays:
        return sides.register_arrays["coded"]
    columns = {column: _register_codes(reg, sides, column) for column in (*CODED, *BIRTH_PARTS)}
    right = pd.DataFrame({"r": np.arange(len(reg)), **columns}, copy=False)  # millions of rows: no copy
    if all(sides.stable(c) for c in CODED):
        sides.register_arrays["coded"] = right
    return right


def _register_codes(reg: pd.DataFrame, sides: Sides, column: str) -> np.ndarray:
    if column in BIRTH_PARTS:
        return _birth_codes(reg[column])
    return sides.codes(column, keep_empty=True)[1]


def _birth_codes(values: pd.Series) -> np.ndarray:
    """A birth part as its own code, -1 where unknown (whether pandas holds it as Int64, float or objects)."""
    return values.to_numpy(dtype=np.int64, na_value=-1)


def initials(keys: pd.Series) -> pd.Series:
    """First letter of every word of a folded name ("nguyen thi lan" → "ntl")."""
    array = pa.array(keys.where(keys.notna(), None).tolist(), type=pa.string())
    return pd.Series(
        pc.replace_substring_regex(array, r"(\S)\S*\s*", r"\1").to_pylist(), index=keys.index, dtype=object
    )


def _settled(ben: pd.DataFrame, reg: pd.DataFrame, by_id: pd.DataFrame) -> np.ndarray:
    """List rows whose listed ID is a register person's with the same name (accents too: Lan is not Lán) and full
    birth date: the deterministic pass; nobody else is looked for (a namesake with another ID is ruled out)."""
    b, r = by_id["b"].to_numpy(), by_id["r"].to_numpy()
    same = (
        (ben["canon_key"].to_numpy(dtype=object)[b] == gather(reg, "canon_key", r))
        & (ben["given_accented"].to_numpy(dtype=object)[b] == gather(reg, "given_accented", r))
        & (ben["birth_date"].to_numpy(dtype=object)[b] == gather(reg, "birth_date", r))
    )
    full = ~ben["year_only"].to_numpy(dtype=bool)[b]
    settled = np.zeros(len(ben), dtype=bool)
    settled[b[same & full]] = True
    return settled


def candidate_pairs(
    ben: pd.DataFrame,
    reg: pd.DataFrame,
    sides: Sides | None = None,
    max_block: int | None = None,
    blocks: Blocks | None = None,
) -> pd.DataFrame:
    """All distinct (b, r) pairs worth comparing, sorted by b; `ben` and `reg` are the prepared feature frames
    (`sides`: their shared codes, reused by the comparisons). A name or date block shared by more than
    `max_block` register people is narrowed to the row's commune (or sex, when the block is by commune).
    `blocks` with a store keeps the register's sorted keys for the next part of the same list."""
    sides = sides or Sides(ben, reg)
    blocks = blocks or Blocks(None)

    by_id = [_id_pairs(ben, _sorted_ids(reg, sides, "national_id"), (11, 12, 13), 12)]
    if "old_id" in reg.columns and reg["old_id"].notna().any():
        by_id.append(_id_pairs(ben, _sorted_ids(reg, sides, "old_id"), (8, 9, 10), 9))
    settled = _settled(ben, reg, pd.concat(by_id, ignore_index=True))
    left, right = _coded(ben, reg, sides)
    full = left[~settled & ~ben["year_only"].to_numpy(dtype=bool)]
    partial = left[~settled & ben["year_only"].to_numpy(dtype=bool)]
    left = left[~settled]
    # Namesakes born the same year: all of them for a year-only date (on either side); for a full date only those
    # sharing the month or the day too (the rest differ in both, which no typing slip explains), so that a
    # common name in a province-sized register does not bring thousands of pairs per row.
    year_only_people = right[reg["year_only"].to_numpy(dtype=bool)]

    def join(
        rows: pd.DataFrame, people: pd.DataFrame, on: list[str], narrow: str = "commune_key", subset: str = "all"
    ) -> pd.DataFrame:
        def index(keys: list[str]) -> BlockIndex | None:  # only keys whose register codes never change
            return blocks.index(people, subset, keys) if all(sides.stable(c) for c in keys) else None

        return _merge(rows, people, on, max_block, narrow, index)

    no_year = left[left["birth_year"] < 0]
    by_name_specs = [
        (partial, right, ["family", "given", "birth_year"]),
        (full, year_only_people, ["family", "given", "birth_year"], "commune_key", "year_only"),
        (full, right, ["family", "given", "birth_year", "birth_month"]),
        (full, right, ["family", "given", "birth_year", "birth_day"]),
        (full, right, ["family", "given", "birth_month", "birth_day"]),
    ]
    other_specs = [
        (full, right, ["birth_date", "family"]),
        (full, right, ["birth_date", "given"]),
        (left, right, ["birth_year", "commune_key", "locality"], "sex"),
        (left, right, ["birth_year", "commune_key", "given"], "sex"),
        (no_year, right, ["commune_key", "family", "given"], "sex"),
    ]
    # Each join is a pass over the register in numpy (which leaves the interpreter free): two at a time.
    with ThreadPoolExecutor(max_workers=JOIN_THREADS) as pool:
        joined = list(pool.map(lambda spec: join(*spec), [*by_name_specs, *other_specs]))
    by_name, others = joined[: len(by_name_specs)], joined[len(by_name_specs) :]
    strong = pd.concat(by_id + by_name, ignore_index=True)
    unresolved = ~left["b"].isin(strong["b"]).to_numpy()
    if unresolved.any():
        ben_initials = initials(ben["canon_key"].iloc[left["b"].to_numpy()[unresolved]])
        codes, distinct = pd.factorize(ben_initials)
        _, name_codes, names = sides.codes("canon_key", keep_empty=True)  # initials once per distinct name
        per_name = distinct.get_indexer(pd.Index(initials(pd.Series(names, dtype=object)), dtype=object))
        reg_codes = np.append(per_name, -1)[name_codes]  # -1: no name
        others.append(  # the initials' codes are this part's own: scanned, never kept in an index
            _merge(
                left[unresolved].assign(initials=codes),
                right[["r", "birth_year", "sex", "commune_key"]].assign(initials=reg_codes),
                ["birth_year", "sex", "initials"],
                max_block,
                "commune_key",
            )
        )
    pairs = pd.concat([strong, *others], ignore_index=True)
    width = max(1, len(reg))
    key = pairs["b"].to_numpy(dtype=np.int64) * width + pairs["r"].to_numpy(dtype=np.int64)
    key = np.sort(key, kind="stable")  # each join gives its pairs in order: a stable sort merges those runs
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    return pd.DataFrame({"b": key // width, "r": key % width})
