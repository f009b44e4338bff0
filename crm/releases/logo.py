"""The press office's logo in the letterhead of rendered releases: upload (PNG or JPEG,
size-checked), the one in use, removal. Stored in the database like the templates, so every
process renders the same letterhead."""

from __future__ import annotations

import os
import struct
import zlib

from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image

from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.releases.models import OfficeLogo

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 6000  # on either side
LOGO_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}


class LogoRejected(UserError):
    """The upload is not a usable logo; the message says why."""


def _mimetype(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def current_logo() -> OfficeLogo | None:
    return db.session.scalar(db.select(OfficeLogo).order_by(OfficeLogo.id.desc()).limit(1))


def logo_bytes() -> bytes:
    """The logo's image for a render, or b"" when none is set."""
    logo = current_logo()
    return logo.content if logo is not None else b""


def save_logo(data: bytes, filename: str, user_id: int | None = None) -> OfficeLogo:
    """Check an uploaded image and make it the logo (the previous one is deleted); commit.

    Raises LogoRejected (nothing stored) for anything but a PNG or JPEG of sensible size.
    """
    if not data:
        raise LogoRejected(msg("Choose an image file."), field="file")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRejected(msg("The logo may be at most %(mb)d MB.",
                               mb=MAX_LOGO_BYTES // (1024 * 1024)), field="file")
    mimetype = _mimetype(data)
    try:
        image = Image.from_blob(data) if mimetype else None
        width, height = (image.px_width, image.px_height) if image else (0, 0)
    except (UnrecognizedImageError, UnexpectedEndOfFileError, InvalidImageStreamError,
            struct.error, ValueError, IndexError, KeyError):
        image, width, height = None, 0, 0
    if image is None or image.content_type != mimetype or not width or not height:
        raise LogoRejected(msg("The logo must be a PNG or JPEG image."), field="file")
    if max(width, height) > MAX_LOGO_PIXELS:
        raise LogoRejected(msg("The logo may be at most %(px)d pixels wide and high.",
                               px=MAX_LOGO_PIXELS), field="file")
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())[:255]
    for old in db.session.scalars(db.select(OfficeLogo)):
        db.session.delete(old)
    logo = OfficeLogo(content=data, mimetype=mimetype, filename=name, size=len(data),
                      width=width, height=height, uploaded_by_id=user_id)
    db.session.add(logo)
    _four_eyes(user_id)
    db.session.commit()
    return logo


def _four_eyes(user_id: int | None) -> None:
    """The logo is part of what goes out: approved releases whose template shows it go back
    to review (crm.releases.workflow)."""
    from crm.releases import workflow
    workflow.reopen_changed(user_id, msg("The letterhead logo was changed after the release "
                                         "was approved."))


def remove_logo(user_id: int | None = None) -> bool:
    """Render without a logo from now on; whether there was one. Commits."""
    removed = False
    for old in db.session.scalars(db.select(OfficeLogo)):
        db.session.delete(old)
        removed = True
    if removed:
        _four_eyes(user_id)
    db.session.commit()
    return removed


def solid_png(width: int, height: int, rgb: tuple[int, int, int] = (0xB0, 0x00, 0x20)) -> bytes:
    """A one-colour PNG (for trial renders of templates, and tests), made without Pillow."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))
