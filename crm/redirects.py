"""Where to send the browser after a form: a path on this site, never another site."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_target(target: str | None, default: str) -> str:
    """`target` if it is a local path ("/contacts?q=x"), else `default`.

    Refuses absolute URLs, scheme-relative "//host" and backslashes (browsers read "/\\host"
    as another host).
    """
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default
