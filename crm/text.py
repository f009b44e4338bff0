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
