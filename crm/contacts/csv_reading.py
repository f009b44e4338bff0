"""Reading an uploaded CSV file: encoding, delimiter, rows. Knows nothing about contacts.

Accepts what people export from spreadsheets and address books: UTF-8 with or without BOM,
UTF-16 with BOM (Excel's "Unicode text"), Windows-1252 / Latin-1 (Excel's "CSV" on Norwegian
Windows) and Mac Roman (Excel for Mac's "CSV (Macintosh)"); comma, semicolon or tab as
delimiter; lines before the real header (LinkedIn's "Notes:" preamble). Rejects workbooks,
binaries and oversized files with a message a user understands, and warns when the text looks
wrongly decoded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import format_decimal
from flask_babel import gettext as _

from crm.errors import UserError
from crm.messages import Message, msg
from crm.text import normalise_space

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 100_000  # csv's own field limit is 131,072
DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 50
# Control characters that never occur in a text file (tab, LF, CR and form feed do).
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f"} | {"\x7f"}
_SIGNATURES = (
    (b"PK\x03\x04", "xlsx"),  # .xlsx, .ods, .docx: zip archives
    (b"\xd0\xcf\x11\xe0", "xls"),  # old .xls / .doc
    (b"%PDF", "pdf"),
)


class ImportFileError(UserError):
    """The file cannot be read as CSV; the message says why and what to do."""


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells); the header is row 1
    encoding: str
    delimiter: str
    blank_rows: int = 0
    notes: list[Message] = field(default_factory=list)  # warnings for the mapping page

    @property
    def column_count(self) -> int:
        return len(self.headers)

    def samples(self, column: int, limit: int = 3) -> list[str]:
        """The first non-empty values of a column, for the mapping page."""
        found = []
        for _number, cells in self.rows:
            if column < len(cells) and cells[column].strip():
                found.append(cells[column].strip()[:80])
                if len(found) == limit:
                    break
        return found


def decode(data: bytes) -> tuple[str, str]:
    """The text of an upload and the name of the encoding it was read as."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            if kind in ("xlsx", "xls"):
                raise ImportFileError(msg(
                    "This is an Excel workbook, not a CSV file. In Excel choose File > Save as "
                    "> CSV (semicolon separated or UTF-8) and upload that file."))
            raise ImportFileError(msg("This is a PDF document, not a CSV file."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(msg("The file is damaged: it is not valid UTF-16 text.")) \
                from exc
    if b"\x00" in data[:65536]:
        raise ImportFileError(msg("This is not a text file. Upload a CSV file."))
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError:
        pass
    return _eight_bit(data)


# Letters Norwegian names and notes are made of, beyond ASCII.
_LIKELY = set("æøåÆØÅéèêëüöäóáíúÉÈÜÖÄçñ")
# What a wrong 8-bit guess produces instead: Mac Roman read as Windows-1252 turns ø å æ Ø é
# into ¿ Œ ¾ ¯ Ž; Windows-1252 read as Mac Roman turns ø å æ Ø é into ¯ Â Ê ÿ È; Latin-1 leaves
# C1 control characters.
_C1 = {chr(c) for c in range(0x80, 0xA0)}
_UNLIKELY = set("¿Œœ¾¯ŽžÂÊÿ‰ˆ˜†‡¦¨¸") | _C1
_EIGHT_BIT = (("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman"), ("latin-1", "Latin-1"))


def _plausibility(text: str) -> int:
    return sum((ch in _LIKELY) - (ch in _UNLIKELY) for ch in text if ord(ch) > 127)


def _eight_bit(data: bytes) -> tuple[str, str]:
    """The 8-bit reading whose letters look most like Norwegian text (ties: Windows-1252)."""
    best: tuple[int, str, str] | None = None
    for codec, name in _EIGHT_BIT:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text[:200_000])
        if best is None or score > best[0]:
            best = (score, text, name)
    assert best is not None  # Latin-1 decodes any bytes
    return best[1], best[2]


# UTF-8 that some tool before us read as Windows-1252 ("Ã¸" for "ø"), or control characters.
_MOJIBAKE = ("Ã¦", "Ã¸", "Ã¥", "Ã†", "Ã˜", "Ã…", "Ã©", "â€")


def decoding_doubt(text: str) -> str:
    """A sample of text that looks wrongly decoded, or ""."""
    sample = text[:200_000]
    for marker in _MOJIBAKE:
        at = sample.find(marker)
        if at >= 0:
            return _around(sample, at)
    for at, ch in enumerate(sample):
        # A control character anywhere, or an unlikely sign inside a word ("S¿rensen").
        if ch in _C1 or (ch in _UNLIKELY and 0 < at < len(sample) - 1
                         and sample[at - 1].isalpha() and sample[at + 1].isalpha()):
            return _around(sample, at)
    return ""


def _around(text: str, at: int) -> str:
    """Up to 20 characters either side of `at`, within its line, printable."""
    line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    line_end = min((i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0),
                   default=len(text))
    piece = text[max(line_start, at - 20):min(line_end, at + 20)]
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in piece).strip()


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ch in _CONTROL)
    return controls > max(2, len(sample) // 200)


PREAMBLE_LINES = 10  # lines before the header we skip at most ("Notes:" and a paragraph)


def _filled(record: list[str]) -> int:
    return sum(1 for cell in record if cell.strip())


def _preamble(records: list[list[str]]) -> int:
    """How many leading records are text before the real header: single cells followed by a
    record of several (LinkedIn's Connections.csv starts with "Notes:" and a paragraph)."""
    for index, record in enumerate(records[:PREAMBLE_LINES + 1]):
        if _filled(record) >= 2:
            return index
    return 0


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text[:200_000], newline=""), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
            if len(records) >= _SNIFF_LINES:
                break
    except csv.Error:
        pass
    return records


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header into most columns and the
    rows into as many columns as the header (ties: semicolon, comma, tab)."""
    best, best_score = ",", (-1.0, 0)
    for delimiter in (";", ",", "\t"):
        records = _first_records(text, delimiter)
        records = records[_preamble(records):]
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        consistent = sum(1 for r in records[1:] if len(r) == width) / max(1, len(records) - 1)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _clean_header(value: str, index: int) -> str:
    value = normalise_space(value.replace("\ufeff", ""))[:100]
    return value or _("Column %(number)d", number=index + 1)


def parse_csv(data: bytes, *, max_bytes: int = MAX_IMPORT_BYTES,
              max_rows: int = MAX_ROWS) -> ParsedFile:
    """Read an uploaded file into a header and rows. Raises ImportFileError."""
    if len(data) > max_bytes:
        raise ImportFileError(msg("The file is too large (at most %(mb)s MB).",
                                mb=format_decimal(max_bytes / 1024 / 1024, "0.0")))
    if not data.strip():
        raise ImportFileError(msg("The file is empty."))
    text, encoding = decode(data)
    if _looks_binary(text):
        raise ImportFileError(msg("This is not a text file. Upload a CSV file."))
    delimiter = sniff_delimiter(text)
    notes: list[Message] = []
    if encoding == "Mac Roman":
        notes.append(msg("The file was read as Mac Roman (Excel for Mac's “CSV (Macintosh)”)."))
    doubt = decoding_doubt(text)
    if doubt:
        notes.append(msg(
            "Some text looks wrongly decoded, for example “%(sample)s”. Check the names in "
            "the preview; if they look wrong, save the file as “CSV UTF-8” and upload it "
            "again.", sample=doubt))
    preamble = _preamble(_first_records(text, delimiter))
    if preamble:
        notes.append(msg("Skipped %(count)d lines of text before the header row.",
                         count=preamble))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    blank = 0
    number = 0
    try:
        for record in reader:
            number += 1
            if not any(cell.strip() for cell in record):
                blank += headers is not None
                continue
            if headers is None and preamble:
                preamble -= 1
                continue
            if headers is None:
                if len(record) > MAX_COLUMNS:
                    raise ImportFileError(msg(
                        "The header has %(count)d columns; at most %(max)d are supported.",
                        count=len(record), max=MAX_COLUMNS))
                headers = [_clean_header(cell, i) for i, cell in enumerate(record)]
                continue
            if any(len(cell) > MAX_CELL_CHARS for cell in record):
                raise ImportFileError(msg(
                    "Row %(row)d has a cell longer than %(max)d characters.",
                    row=number, max=MAX_CELL_CHARS))
            rows.append((number, record))
            if len(rows) > max_rows:
                raise ImportFileError(msg(
                    "The file has more than %(max)d rows. Split it into smaller files.",
                    max=max_rows))
    except csv.Error as exc:
        raise ImportFileError(msg("The file is not valid CSV near row %(row)d: %(detail)s",
                                row=number + 1, detail=str(exc)[:200])) from exc
    if headers is None:
        raise ImportFileError(msg("The file is empty."))
    if not rows:
        raise ImportFileError(msg("The file has a header row but no contacts below it."))
    return ParsedFile(headers=headers, rows=rows, encoding=encoding, delimiter=delimiter,
                      blank_rows=blank, notes=notes)
