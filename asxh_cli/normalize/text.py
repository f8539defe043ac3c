"""Vietnamese text: Unicode NFC, spacing, tone placement, name case and folded keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Look-alike letters that appear in lists instead of the Vietnamese D-stroke.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_FOLD = str.maketrans({"đ": "d", "Đ": "d"})
_INVISIBLE_AND_LOOKALIKES = _INVISIBLE | _LOOKALIKES


# C0 control characters and DEL: line breaks and tabs become a space (they separate words), the rest go.
_CONTROLS = {code: None for code in (*range(0x20), 0x7F)} | dict.fromkeys(map(ord, "\t\n\v\f\r"), " ")


def strip_controls(value: str) -> tuple[str, bool]:
    """`value` without CR, LF, NUL or other C0 control characters (line breaks and tabs → a space); changed?"""
    cleaned = value.replace("\r\n", "\n").translate(_CONTROLS)
    return cleaned, cleaned != value


def clean_spaces(value: str) -> str:
    """NFC, look-alike letters fixed, invisible characters dropped, whitespace collapsed and trimmed."""
    return " ".join(unicodedata.normalize("NFC", value).translate(_INVISIBLE_AND_LOOKALIKES).split())


class _FoldTable(dict[int, str]):
    """Code point → its folded text (a-z, 0-9, or a space for anything else), worked out the first time it is met.

    Folding character by character equals folding the whole text: NFD decomposes each character on its own
    and only reorders combining marks, which are all dropped; the one context-dependent lower-casing (Greek
    final sigma) yields a non-ASCII letter either way, which becomes a space."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code).translate(_FOLD))
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
        self[code] = folded = _NON_ALNUM.sub(" ", bare)
        return folded


_FOLD_TABLE = _FoldTable()


def fold(value: str) -> str:
    """Matching key: no diacritics, lower case, đ→d, punctuation to single spaces."""
    return _NON_ALNUM.sub(" ", value.translate(_FOLD_TABLE)).strip()


# Open syllables whose tone moves to the first vowel in the modern convention (hoà → hòa, thuỷ → thủy).
_OLD_STYLE = re.compile(r"^(?P<onset>[^aeiouyăâêôơư]*)(?P<nucleus>oa|oe|uy)$", re.IGNORECASE)


def _syllable_tone(syllable: str) -> tuple[str, str | None]:
    """Split a syllable into (toneless NFC text, tone mark or None)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    bare = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", bare), (tones[0] if len(tones) == 1 else None)


def _place_tone(letter: str, tone: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", letter) + tone)


@lru_cache(maxsize=100_000)
def modern_tone(word: str) -> str:
    """One tone-placement convention: 'hoà'→'hòa', 'thuỷ'→'thủy', 'khoẻ'→'khỏe'; other words unchanged."""
    bare, tone = _syllable_tone(word)
    if tone is None:
        return word
    found = _OLD_STYLE.match(bare)
    if not found or found["onset"].lower() in {"q", "gi"}:
        return word
    onset, nucleus = found["onset"], found["nucleus"]
    return onset + _place_tone(nucleus[0], tone) + nucleus[1:]


def normalize_text(value: str) -> str:
    """Clean spacing and apply one tone-placement convention to every word."""
    return " ".join(modern_tone(word) for word in clean_spaces(value).split(" "))


# Letters a correct Vietnamese text may contain besides ASCII.
VIETNAMESE_LETTERS = frozenset(
    unicodedata.normalize("NFC", "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
) | frozenset(unicodedata.normalize("NFC", "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"))


@lru_cache(maxsize=100_000)
def _recase(word: str) -> str:
    """Proper case for one word; kept as written: a bracketed note "(GDCD)", letters Vietnamese does not use."""
    if word.startswith(("(", "[")) or not all(ch.isascii() or ch in VIETNAMESE_LETTERS for ch in word):
        return word
    return word[:1].upper() + word[1:].lower()


def name_case(value: str) -> str:
    """Proper case for personal names: 'NGUYỄN THỊ MAI' → 'Nguyễn Thị Mai'; undecoded legacy text is never re-cased."""
    return " ".join(_recase(word) for word in value.split(" "))


def normalize_name(value: str) -> str:
    """A person's name as it should be written: clean, one tone convention, proper case."""
    return " ".join(_name_word(word) for word in clean_spaces(value).split(" "))


@lru_cache(maxsize=100_000)
def _name_word(word: str) -> str:
    """One word of `normalize_name`: `name_case(normalize_text(w))` (a word holds no space, before or after)."""
    return _recase(modern_tone(word))


_NUCLEI = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "oo",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "yê",
    "oai",
    "oao",
    "oay",
    "oeo",
    "uây",
    "uôi",
    "uya",
    "uyê",
    "uyu",
    "ươi",
    "ươu",
    "iêu",
    "yêu",
]
_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_SYLLABLE = re.compile(
    rf"^(?P<onset>{_ONSETS})?(?P<nucleus>{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})"
    r"(?P<coda>ng|nh|ch|c|m|n|p|t)?$"
)


_MARKED_VOWELS = "ăâêôơư"
_OPEN_EITHER = {"oa", "oe", "uy"}


def _tone_index(onset: str, nucleus: str, coda: str) -> set[int]:
    """Positions in `nucleus` where Vietnamese spelling may put the tone mark."""
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        return {marked[-1]}
    if len(nucleus) == 1:
        return {0}
    if coda:
        return {len(nucleus) - 1}
    if nucleus in _OPEN_EITHER:
        return {0, 1}
    return {0} if len(nucleus) == 2 else {1}


@lru_cache(maxsize=100_000)
def is_vietnamese_word(word: str) -> bool:
    """True when `word` is spelled like a Vietnamese syllable: its letters, at most one tone, on the right vowel."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [i for i, ch in enumerate(decomposed) if ch in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    found = _SYLLABLE.match(bare)
    if not found:
        return False
    if not tones:
        return True
    onset, nucleus, coda = found.group("onset") or "", found.group("nucleus"), found.group("coda") or ""
    # position of the toned letter among the bare letters
    toned = len(unicodedata.normalize("NFC", decomposed[: tones[0]])) - 1
    return toned - len(onset) in _tone_index(onset, nucleus, coda)
