"""What changed between two versions of a release, word by word, with translated labels.

Each field of a version's snapshot (ReleaseVersion.data) becomes one text; two texts are
compared as sequences of tokens (words, runs of white space, single punctuation marks) with
difflib, so a changed word is marked alone and not its whole line. The result is plain
data; the template marks insertions with <ins> and deletions with <del>, and Jinja escapes
every piece of text.

difflib's matcher is quadratic on long, repetitive token lists (a 100,000-character body took
minutes), so the texts are first matched line by line (paragraphs are few and mostly unique),
and only the lines that changed are compared word by word, after their common beginning and
end are set aside; a changed stretch too long to compare word by word is shown as replaced.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.releases.models import ReleaseLanguage, ReleaseTemplate, ReleaseVersion, TextSnippet
from crm.templating import localtime

FIELD_LABELS = {
    "title": _l("Title"), "lead": _l("Lead"), "body": _l("Body text"), "quotes": _l("Quotes"),
    "spokesperson": _l("Contact person"),
    "contact_user": _l("Contact person on the staff"), "language": _l("Language"), "tags": _l("Tags"),
    "snippets": _l("Snippets"), "template": _l("Template"),
    "release_at": _l("Release date and time"), "embargo_until": _l("Embargoed until"),
}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
MAX_WORD_PAIRS = 4_000_000  # tokens before x tokens after, in one changed stretch


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: object  # a lazy translated string
    segments: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text), in reading order

    @property
    def inserted(self) -> list[str]:
        return [text for op, text in self.segments if op == "insert"]

    @property
    def deleted(self) -> list[str]:
        return [text for op, text in self.segments if op == "delete"]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


class _Segments(list):
    def add(self, op: str, pieces: list[str]) -> None:
        text = "".join(pieces)
        if not text:
            return
        if self and self[-1][0] == op:
            self[-1] = (op, self[-1][1] + text)
        else:
            self.append((op, text))


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many items `a` and `b` share at their start, and then at their end."""
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _words(segments: _Segments, before: str, after: str) -> None:
    a, b = tokens(before), tokens(after)
    start, end = _common_ends(a, b)
    segments.add("equal", a[:start])
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    if len(middle_a) * len(middle_b) > MAX_WORD_PAIRS:
        segments.add("delete", middle_a)
        segments.add("insert", middle_b)
    else:
        matcher = difflib.SequenceMatcher(a=middle_a, b=middle_b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                segments.add("equal", middle_a[i1:i2])
            else:
                segments.add("delete", middle_a[i1:i2])
                segments.add("insert", middle_b[j1:j2])
    segments.add("equal", a[len(a) - end:])


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The segments that turn `before` into `after`; neighbours of one kind are joined."""
    a, b = _LINE.findall(before), _LINE.findall(after)
    segments = _Segments()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.add("equal", a[i1:i2])
        else:
            _words(segments, "".join(a[i1:i2]), "".join(b[j1:j2]))
    return list(segments)


def _names(model, ids) -> list[str]:
    out = []
    for ident in ids:
        obj = db.session.get(model, ident) if ident is not None else None
        name = getattr(obj, "display_name", None) or getattr(obj, "name", "")
        out.append(name if obj is not None else f"#{ident}")
    return out


def _moment(value: str | None) -> str:
    return localtime(datetime.fromisoformat(value)) if value else ""


def field_texts(values: dict) -> dict[str, str]:
    """A snapshot's fields as the texts that are compared, in the order they are shown."""
    quotes = []
    for quote in values.get("quotes", []):
        who = _names(Contact, [quote["contact_id"]])[0] if quote.get("contact_id") else ""
        quotes.append(f"{who}: {quote['text']}" if who else quote["text"])
    spokesperson = values.get("spokesperson_id")
    contact_user = values.get("contact_user_id")
    template = values.get("template_id")
    language = values.get("language", "")
    return {
        "title": values.get("title", ""),
        "lead": values.get("lead", ""),
        "body": values.get("body", ""),
        "quotes": "\n\n".join(quotes),
        "spokesperson": _names(Contact, [spokesperson])[0] if spokesperson else "",
        "contact_user": _names(User, [contact_user])[0] if contact_user else "",
        "language": str(ReleaseLanguage.label_of(language)) if language else "",
        "tags": ", ".join(values.get("tags", [])),
        "snippets": ", ".join(_names(TextSnippet, values.get("snippet_ids", []))),
        "template": _names(ReleaseTemplate, [template])[0] if template else "",
        "release_at": _moment(values.get("release_at")),
        "embargo_until": _moment(values.get("embargo_until")),
    }


def diff_versions(old: ReleaseVersion, new: ReleaseVersion) -> list[FieldDiff]:
    """The fields that differ between two versions, word by word."""
    before, after = field_texts(old.data), field_texts(new.data)
    return [FieldDiff(name, FIELD_LABELS[name], word_diff(before[name], after[name]))
            for name in before if before[name] != after[name]]
