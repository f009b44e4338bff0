"""Helpers every domain's views share: query arguments, where to go next, errors on forms."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from flask import Response, flash, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, inspect, literal_column
from sqlalchemy import select as sa_select
from sqlalchemy.orm import lazyload
from sqlalchemy.sql import Select

from crm.dateinput import DateTextError, parse_date_text
from crm.errors import UserError
from crm.extensions import db
from crm.redirects import local_target

PAGE_SIZE = 50  # rows per page of a list
MAX_PAGE = 100_000
MAX_ID = 2**31 - 1  # larger numbers in a query argument are no row's id (and overflow SQLite)


def page_arg(args=None) -> int:
    """The ?page= argument, 1 when missing or nonsense."""
    args = request.args if args is None else args
    return min(max(args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


class _Pagination(SelectPagination):
    """flask_sqlalchemy's page of a select, which knows its total without counting when the
    page is the last one: a short first page (a search for one person) holds them all.

    With a count_cap it counts no further than that: `capped` then says the total is more
    than `total - 1` (templates write "over N"; the pager "page 3 of over 20")."""

    capped = False

    def _query_items(self) -> list:
        fetch = self._query_args.get("fetch")
        if fetch is None:
            return super()._query_items()
        select = fetch(self._query_args["select"], self.per_page, self._query_offset)
        return list(self._query_args["session"].execute(select).unique().scalars())

    def _query_count(self) -> int:
        if len(self.items) < self.per_page and (self.items or self.page == 1):
            return (self.page - 1) * self.per_page + len(self.items)
        cap = self._query_args.get("count_cap")
        if cap is None:
            return super()._query_count()
        sub = (self._query_args["select"].options(lazyload("*")).order_by(None)
               .with_only_columns(literal_column("1"), maintain_column_froms=True)
               .limit(cap + 1).subquery())
        total = self._query_args["session"].scalar(
            sa_select(func.count()).select_from(sub)) or 0
        self.capped = total > cap
        return total


def paginate(select: Select, *, per_page: int = PAGE_SIZE, count: bool = True,
             count_cap: int | None = None,
             fetch: Callable[[Select, int, int], Select] | None = None) -> SelectPagination:
    """The ?page= page of `select` and, unless count=False, its total: exact, or at most
    count_cap + 1 (the page's `capped` then says there are more than count_cap).

    `fetch(select, limit, offset)` gives the statement that reads one page, where a plain
    select.limit(limit).offset(offset) would be slow (crm.contacts.services.contacts_page)."""
    page = page_arg()
    if count_cap is not None:  # the pages after this one are always known to exist
        count_cap = max(count_cap, (page + 10) * per_page)
    return _Pagination(select=select, session=db.session(), page=page, per_page=per_page,
                       max_per_page=per_page, error_out=False, count=count,
                       count_cap=count_cap, fetch=fetch)


def id_arg(name: str, args=None) -> int | None:
    """An id from the query string, or None when missing or impossible."""
    args = request.args if args is None else args
    value = args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def date_arg(name: str, args=None) -> date | None:
    """A date from the query string as a person types it (31.12.2026, 31 Dec 2026, or ISO
    2026-12-31: crm/dateinput.py), or None when missing or invalid."""
    args = request.args if args is None else args
    value = args.get(name, "").strip()[:40]
    try:
        return parse_date_text(value) if value else None
    except DateTextError:
        return None


def saved_id(obj) -> int:
    """The id of a row a service has just saved and committed, without reading it again (the
    commit expires the object: `obj.id` would be a query)."""
    return inspect(obj).identity[0]


def next_url(default: str) -> str:
    """Where to go after a form: the form's or query's `next` if it is a local path."""
    return local_target(request.values.get("next"), default)


def show_error(form, error: UserError, fallback: str | None = None,
               renames: dict[str, str] | None = None) -> None:
    """Show a UserError on the form field it blames, in the reader's language.

    `renames` maps a service's field name to the form's; without a matching field the message
    goes on `fallback` (a field name) or, failing that, into a flash message.
    """
    name = (renames or {}).get(error.field or "", error.field)
    for candidate in (name, fallback):
        target = getattr(form, candidate, None) if candidate else None
        if target is not None and isinstance(getattr(target, "errors", None), list | tuple):
            target.errors = [*target.errors, error.message]
            return
    flash(error.message, "error")


# Letters with no ASCII decomposition, for the plain filename= of old clients.
_ASCII_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A",
                                "ß": "ss", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"})
_FILENAME_UNSAFE = '"\\%/;'  # breaks the quoted filename= or is read as a path or escape
# attr-chars of RFC 8187 besides letters and digits (which quote() never escapes)
_ATTR_CHARS = "!#$&+^`|~"


def _ascii_fallback(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    plain = "".join(ch for ch in decomposed if " " <= ch <= "~" and ch not in _FILENAME_UNSAFE)
    plain = " ".join(plain.split())
    stem, dot, ext = plain.rpartition(".")
    if not dot or not ext.isalnum():
        stem, ext = plain, ""
    stem = stem.strip()
    if not stem.strip("._-"):
        stem = "download"
    return stem + (f".{ext}" if ext else "")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition value for any file name (RFC 6266): an ASCII `filename=` for old
    clients and, when the name is not plain ASCII, `filename*=UTF-8''...` with the real one."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", filename or "")
                   if ch.isprintable()).replace("/", "_").replace("\\", "_").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and ext.isalnum() and len(ext) <= 10 else ""
        name = (stem if ext else name)[:255 - len(ext) - bool(ext)] + (f".{ext}" if ext else "")
    name = name or "download"
    fallback = _ascii_fallback(name)
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        value += "; filename*=UTF-8''" + quote(name, safe=_ATTR_CHARS)
    return value


def send_download(body, filename: str, mimetype: str, *, inline: bool = False,
             headers: dict | None = None) -> Response:
    """A file to download (bytes, text or a stream of them) under any name, with nosniff; the
    one way every download route names its file. A `mimetype` with parameters ("text/csv;
    charset=utf-8") is the whole Content-Type; a bare one gets Flask's charset for text."""
    if ";" in mimetype:
        response = Response(body, content_type=mimetype)
    else:
        response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
