"""CSV that spreadsheets open safely: every field quoted, no cell read as a formula.

Excel and LibreOffice run a cell that starts with = + - @ (or a tab or CR before one) as a
formula. `safe_cell` puts an apostrophe before such a start, and also before one that follows a
comma, semicolon or line break inside the cell: a spreadsheet that splits the file at the other
delimiter (`,` where we wrote `;`), or breaks a row at a newline, would otherwise start a cell
there (`Navn,=1+1,` would give `=1+1`). Every field is quoted (csv.QUOTE_ALL), so a reader that
honours quotes keeps each cell whole.
"""

from __future__ import annotations

import csv
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula start after a delimiter or line break, optionally after spaces or tabs.
_INNER_FORMULA = re.compile(r"([,;\r\n][ \t]*)(?=[=+\-@])")
_INNER_GUARD = re.compile(r"([,;\r\n][ \t]*)'(?=[=+\-@])")
_GUARDED_START = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def safe_cell(value: Any) -> str:
    """The value as text no spreadsheet split turns into a formula."""
    text = "" if value is None else str(value)
    text = _INNER_FORMULA.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def unguard(text: str) -> str:
    """Undo `safe_cell` (for our own export read back by the import)."""
    text = text[1:] if text.startswith(_GUARDED_START) else text
    return _INNER_GUARD.sub(r"\1", text)


def writer(out, delimiter: str = ","):
    """A csv writer that quotes every field; pass cells through `safe_cell`."""
    return csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
