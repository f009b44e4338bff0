"""Text folding shared by search, sorting and duplicate detection (Norwegian-aware)."""

from __future__ import annotations

import re
import unicodedata

# Norwegian letters after z, in the Norwegian order æ, ø, å; bytes that sort after "z".
_SORT_MAP = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
_ASCII_MAP = (("æ", "ae"), ("ø", "o"), ("å", "a"), ("ß", "ss"), ("ð", "d"), ("þ", "th"))
_WORDS = re.compile(r"[0-9a-z]+")


def normalise_space(text: str) -> str:
    """NFC, and every run of whitespace (no-break spaces too) as one space."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


class _Marks(dict):
    """A str.translate table that drops combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> str | None:
        kept = None if unicodedata.combining(chr(code)) else chr(code)
        self[code] = kept
        return kept


_MARKS = _Marks()
_LATIN_MARKS = re.compile("[\u0300-\u036f]+")  # the combining marks of Latin letters


def _strip_marks(text: str) -> str:
    """NFKD without combining marks ("café" -> "cafe"). Fast paths first: a Norwegian text is
    ASCII once æ, ø, å are mapped, or after dropping the Latin marks; only other scripts' marks
    go through the per-character table."""
    if text.isascii():
        return text
    decomposed = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if decomposed.isascii():
        return decomposed
    return decomposed.translate(_MARKS)


_RING_ABOVE = "\u030a"  # å is a + ring above: a letter of its own in Norwegian


def name_key(text: str) -> str:
    """The key under which a name must be unique (organisations, media lists, tags).

    NFC, spaces collapsed, case folded (Python's casefold: "Ærlige" = "ærlige", "ß" = "ss"),
    and accents dropped ("Café" = "Cafe", "Müller" = "Muller"), but the Norwegian letters stay
    letters of their own: æ, ø and å never equal ae, o or a ("Å" and "A" are different
    names). Computed in Python, so SQLite and PostgreSQL compare alike.
    """
    text = unicodedata.normalize("NFD", normalise_space(text).casefold())
    kept = "".join(ch for ch in text if not unicodedata.combining(ch) or ch == _RING_ABOVE)
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    """Lower-case ASCII words for matching: "Støre" -> "store", "Åsland"/"Aasland" -> "asland"."""
    text = normalise_space(text).casefold()
    if not text.isascii():
        for letter, ascii_ in _ASCII_MAP:  # str.replace: a translate table is 30x slower
            text = text.replace(letter, ascii_)
        text = _strip_marks(text)
    text = text.replace("aa", "a").replace("oe", "o")
    return " ".join(_WORDS.findall(text))


def sort_key(text: str) -> str:
    """A key that sorts by the Norwegian alphabet (æ, ø, å after z) in byte order."""
    text = normalise_space(text).casefold()
    out = []
    for ch in text:
        if ch in "æøå":
            out.append(ch.translate(_SORT_MAP))
        else:
            out.append(_strip_marks(ch))
    return "".join(out)[:300]


# Control characters a calendar or vCard TEXT value may not hold; tab and newline may stay.
_CONTROLS = {c: None for c in range(32) if chr(c) not in "\t\n"} | {0x7f: None}


def without_controls(text: str) -> str:
    """Line breaks as "\\n" and the other control characters (bell, NUL, ...) dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROLS)
