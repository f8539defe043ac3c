"""Legacy 8-bit Vietnamese text (TCVN3/ABC and VNI-Windows) that reaches us as mojibake.

Excel stores text typed in a .VnTime or VNI-Times font as the Windows-1252 look-alike characters of the
legacy bytes ("NguyÔn V¨n B×nh", "Nguyeãn Vaên Bình"). Conversion is applied only where detection is
confident: the text must contain characters no Vietnamese word uses, and every word that holds a non-ASCII
character (each run of legacy text) must decode to a Vietnamese syllable; plain ASCII words such as an
abbreviation "(GDCD)" neither block nor decide the reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import lru_cache

from asxh_cli.normalize.text import VIETNAMESE_LETTERS, is_vietnamese_word

# TCVN 5712:1993 VN3 (the ABC fonts), byte → letter, checked against glibc iconv TCVN5712-1.
_TCVN3_LETTERS = "ĂÂÊÔƠƯĐăâêôơưđ"  # A1–AE
_TCVN3_PAIRS: dict[int, str] = dict(zip(range(0xA1, 0xAF), _TCVN3_LETTERS, strict=True))
_TCVN3_PAIRS.update(
    {
        0xB5: "à",
        0xB6: "ả",
        0xB7: "ã",
        0xB8: "á",
        0xB9: "ạ",
        0xBB: "ằ",
        0xBC: "ẳ",
        0xBD: "ẵ",
        0xBE: "ắ",
        0xC6: "ặ",
        0xC7: "ầ",
        0xC8: "ẩ",
        0xC9: "ẫ",
        0xCA: "ấ",
        0xCB: "ậ",
        0xCC: "è",
        0xCE: "ẻ",
        0xCF: "ẽ",
        0xD0: "é",
        0xD1: "ẹ",
        0xD2: "ề",
        0xD3: "ể",
        0xD4: "ễ",
        0xD5: "ế",
        0xD6: "ệ",
        0xD7: "ì",
        0xD8: "ỉ",
        0xDC: "ĩ",
        0xDD: "í",
        0xDE: "ị",
        0xDF: "ò",
        0xE1: "ỏ",
        0xE2: "õ",
        0xE3: "ó",
        0xE4: "ọ",
        0xE5: "ồ",
        0xE6: "ổ",
        0xE7: "ỗ",
        0xE8: "ố",
        0xE9: "ộ",
        0xEA: "ờ",
        0xEB: "ở",
        0xEC: "ỡ",
        0xED: "ớ",
        0xEE: "ợ",
        0xEF: "ù",
        0xF1: "ủ",
        0xF2: "ũ",
        0xF3: "ú",
        0xF4: "ụ",
        0xF5: "ừ",
        0xF6: "ử",
        0xF7: "ữ",
        0xF8: "ứ",
        0xF9: "ự",
        0xFA: "ỳ",
        0xFB: "ỷ",
        0xFC: "ỹ",
        0xFD: "ý",
        0xFE: "ỵ",
    }
)
_TCVN3_DECODE = {chr(byte): letter for byte, letter in _TCVN3_PAIRS.items()}
_TCVN3_ENCODE = {letter: chr(byte) for byte, letter in _TCVN3_PAIRS.items()}

# VNI-Windows: base letter followed by a modifier byte; ơ, ư, đ and the tone-marked i are one byte.
_TONES = {"": "", "\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_CIRCUMFLEX_TONES = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_BREVE_TONES = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_I_TONES = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_pairs() -> dict[str, str]:
    """Every Vietnamese letter (both cases) → its VNI-Windows byte sequence as Windows-1252 characters."""
    table: dict[str, str] = {"đ": "ñ", "Đ": "Ñ", "ỵ": "î", "Ỵ": "Î"}
    for tone, mark in _TONES.items():
        for base in "aeouy":
            if (tone and base != "y") or (base == "y" and tone and tone != "\u0323"):
                table[base + tone] = base + mark
        table["ơ" + tone] = "ô" + mark
        table["ư" + tone] = "ö" + mark
    for tone, mark in _CIRCUMFLEX_TONES.items():
        for base in "aeo":
            table[base + "\u0302" + tone] = base + mark
    for tone, mark in _BREVE_TONES.items():
        table["a\u0306" + tone] = "a" + mark
    for tone, mark in _I_TONES.items():
        table["i" + tone] = mark
    lower = {unicodedata.normalize("NFC", k): v for k, v in table.items() if k not in {"đ", "ỵ", "Đ", "Ỵ"}}
    lower.update({k: v for k, v in table.items() if k in {"đ", "ỵ", "Đ", "Ỵ"}})
    full: dict[str, str] = {}
    for letter, code in lower.items():
        full[letter] = code
        upper = letter.upper()
        if upper != letter and upper not in lower:
            full[upper] = code.upper()
    return {k: v for k, v in full.items() if len(k) == 1 and k != v}


_VNI_ENCODE = _vni_pairs()
_VNI_DECODE = {code: letter for letter, code in _VNI_ENCODE.items()}
_VNI_PATTERN = re.compile("|".join(re.escape(code) for code in sorted(_VNI_DECODE, key=len, reverse=True)))

_VIETNAMESE_LETTERS = VIETNAMESE_LETTERS
# Letters that only proper Unicode Vietnamese produces; mojibake (Windows-1252) never contains them.
_UNICODE_ONLY = frozenset(ch for ch in _VIETNAMESE_LETTERS if ord(ch) > 0xFF)
_WORD = re.compile(r"[^\W\d_]+|[\u00a8-\u00fe\u00ad]+", re.UNICODE)


class Encoding(StrEnum):
    """What a piece of text was typed in."""

    UNICODE = "unicode"
    TCVN3 = "tcvn3"
    VNI = "vni"


def decode_tcvn3(text: str) -> str:
    """Decode TCVN3 mojibake character by character (no detection)."""
    return "".join(_TCVN3_DECODE.get(ch, ch) for ch in text)


def encode_tcvn3(text: str) -> str:
    """Encode Vietnamese text as TCVN3 mojibake; raises ValueError for a letter VN3 cannot hold."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        elif ord(ch) < 0x80:
            out.append(ch)
        else:
            raise ValueError(f"TCVN3 cannot encode {ch!r}")
    return "".join(out)


def decode_vni(text: str) -> str:
    """Decode VNI-Windows mojibake, longest sequences first (no detection)."""
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group(0)], text)


def encode_vni(text: str) -> str:
    """Encode Vietnamese text as VNI-Windows mojibake."""
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


_DECODERS = {Encoding.TCVN3: decode_tcvn3, Encoding.VNI: decode_vni}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,.;:()/\-]+", text) if w]


def _looks_vietnamese(text: str) -> bool:
    """Every run of non-ASCII text is a Vietnamese syllable (ASCII abbreviations such as "(GDCD)" are left aside)."""
    words = [w for w in _words(text) if not w.isascii()]
    return bool(words) and all(is_vietnamese_word(w) for w in words)


def _is_foreign(text: str) -> bool:
    """True when the text holds a non-ASCII character that no Vietnamese word uses."""
    return any(ord(ch) > 0x7F and ch not in _VIETNAMESE_LETTERS and not ch.isspace() for ch in text)


@lru_cache(maxsize=200_000)
def _readings(text: str) -> tuple[Encoding, ...]:
    """Legacy encodings under which `text` decodes to proper Vietnamese (empty if it already is Unicode)."""
    if not text or text.isascii() or not _UNICODE_ONLY.isdisjoint(text):
        return ()
    if _looks_vietnamese(text) and not _is_foreign(text):
        return ()
    found = []
    for encoding, decode in _DECODERS.items():
        decoded = decode(text)
        if decoded != text and not _is_foreign(decoded) and _looks_vietnamese(decoded):
            found.append(encoding)
    return tuple(found)


def detect_encoding(text: str) -> Encoding:
    """Confident guess of how `text` was typed: a legacy encoding only when exactly one reading fits."""
    readings = _readings(text)
    return readings[0] if len(readings) == 1 else Encoding.UNICODE


@lru_cache(maxsize=200_000)
def fix_legacy(text: str, hint: Encoding | None = None) -> tuple[str, Encoding]:
    """Convert legacy text to Unicode when detection, or detection plus the column's `hint`, is confident."""
    readings = _readings(text)
    if len(readings) == 1:
        chosen: Encoding | None = readings[0]
    elif hint in readings:
        chosen = hint
    elif not readings and hint in _DECODERS and _UNICODE_ONLY.isdisjoint(text):
        decoded = _DECODERS[hint](text)
        if decoded != text and _looks_vietnamese(decoded) and not _is_foreign(decoded):
            return decoded, hint
        chosen = None
    else:
        chosen = None
    if chosen is None:
        return text, Encoding.UNICODE
    return _DECODERS[chosen](text), chosen


def column_hint(values: Iterable[str]) -> Encoding | None:
    """The legacy encoding most confidently detected in a column, if more cells are legacy than Unicode-only."""
    return hint_from_counts(Counter(values))


def may_be_legacy(text: str) -> bool:
    """False when `text` is certainly Unicode already: ASCII, or holding a letter no legacy encoding produces."""
    return not text.isascii() and _UNICODE_ONLY.isdisjoint(text)


def hint_from_counts(cells: Mapping[str, int], unicode_cells: int = 0) -> Encoding | None:
    """`column_hint` of a column given as {distinct text: number of cells holding it}; `unicode_cells` more
    cells are known to be Unicode (not ASCII, and `may_be_legacy` is False for them)."""
    counts = {Encoding.TCVN3: 0, Encoding.VNI: 0, Encoding.UNICODE: unicode_cells}
    for value, times in cells.items():
        if not value or value.isascii():
            continue
        encoding = detect_encoding(value)
        if encoding is Encoding.UNICODE and _UNICODE_ONLY.isdisjoint(value):
            continue
        counts[encoding] += times
    legacy = max((Encoding.TCVN3, Encoding.VNI), key=lambda e: counts[e])
    return legacy if counts[legacy] > counts[Encoding.UNICODE] else None
