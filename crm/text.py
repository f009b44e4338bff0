"""Text folding shared by search, sorting and duplicate detection (Norwegian-aware)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Norwegian letters after z, in the Norwegian order æ, ø, å; bytes that sort after "z".
_SORT_MAP = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
_ASCII_MAP = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "ð": "d", "þ": "th"})


def normalise_space(text: str) -> str:
    """NFC, and every run of whitespace (no-break spaces too) as one space."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case ASCII words for matching: "Støre" -> "store", "Åsland"/"Aasland" -> "asland"."""
    text = normalise_space(text).casefold().translate(_ASCII_MAP)
    text = _strip_marks(text)
    text = text.replace("aa", "a").replace("oe", "o")
    return " ".join(_NON_WORD.split(text)).strip()


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
