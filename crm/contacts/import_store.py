"""Uploaded CSV files waiting between the import steps (mapping, preview, confirm).

Kept on disk under <instance>/imports/<token>.csv with a small JSON note of who uploaded it,
never in the cookie session. Only the uploader may use, confirm or cancel a token (anyone else
gets nothing, as if it did not exist); files are deleted after the import, on cancel, or once
they are a day old (swept whenever an upload is stored or read). Confirming first claims the
upload (its note is renamed, atomically), so a second click while the first import runs finds
it claimed and imports nothing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class PendingUpload:
    token: str
    data: bytes
    filename: str
    user_id: int


def imports_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


def _paths(token: str) -> tuple[Path, Path]:
    base = imports_dir()
    return base / f"{token}.csv", base / f"{token}.json"


def _claimed_path(token: str) -> Path:
    return imports_dir() / f"{token}.claimed"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def sweep(now: float | None = None) -> int:
    """Delete pending uploads older than a day; return how many files went."""
    directory = imports_dir()
    if not directory.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def save_upload(data: bytes, *, user_id: int, filename: str) -> str:
    """Store an upload for its user; return the token that names it."""
    sweep()
    directory = imports_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    csv_path, meta_path = _paths(token)
    _write_private(csv_path, data)
    meta = {"user_id": user_id, "filename": os.path.basename(filename or "")[:200]}
    _write_private(meta_path, json.dumps(meta).encode("utf-8"))
    return token


def load_upload(token: str, *, user_id: int) -> PendingUpload | None:
    """The upload named by `token` if it exists, is fresh and belongs to `user_id`."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    sweep()
    csv_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
        data = csv_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    return PendingUpload(token=token, data=data, filename=str(meta.get("filename", "")),
                         user_id=user_id)


def _owner(path: Path) -> int | None:
    try:
        return json.loads(path.read_text("utf-8")).get("user_id")
    except (OSError, ValueError, AttributeError):
        return None


def is_claimed_by(token: str, *, user_id: int) -> bool:
    """True when `user_id`'s upload `token` is being (or has just been) imported."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return False
    return _owner(_claimed_path(token)) == user_id


def claim_upload(token: str, *, user_id: int) -> PendingUpload | None:
    """Take the upload for importing: None if it is not this user's or already claimed."""
    upload = load_upload(token, user_id=user_id)
    if upload is None:
        return None
    try:
        os.rename(_paths(token)[1], _claimed_path(token))  # atomic: one request wins
    except FileNotFoundError:
        return None
    return upload


def finish_upload(token: str) -> None:
    """After the import: delete the file, keep the claim (a late second click is told the
    file was imported) until the daily sweep."""
    try:
        _paths(token)[0].unlink()
    except FileNotFoundError:
        pass


def release_claim(token: str) -> None:
    """Give a claimed upload back (the import stored nothing): it may be confirmed again."""
    try:
        os.rename(_claimed_path(token), _paths(token)[1])
    except FileNotFoundError:
        pass


def discard_upload(token: str, *, user_id: int) -> bool:
    """Delete `user_id`'s upload (pending or claimed); False when it is not theirs."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return False
    csv_path, meta_path = _paths(token)
    claimed = _claimed_path(token)
    if user_id not in (_owner(meta_path), _owner(claimed)):
        return False
    for path in (csv_path, meta_path, claimed):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
    return True
