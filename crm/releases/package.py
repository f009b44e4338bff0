"""Checks an uploaded file is a real, modest .docx before anything parses it.

A .docx is a zip. We refuse what is not a zip, what lacks the parts of a Word document, a
macro-enabled or template package posing as .docx, and zip bombs: too many members, too much
uncompressed data, or a member that expands more than a text format plausibly does. Zip
headers can lie about sizes; zipfile stops reading a member at its declared size and the CRC
check then fails, so the declared sizes we check bound what is ever decompressed.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from crm.errors import UserError
from crm.messages import msg

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
REQUIRED_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml")
MAIN_CONTENT_TYPE = ("application/vnd.openxmlformats-officedocument"
                     ".wordprocessingml.document.main+xml")
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class PackageError(UserError):
    """The file is not an acceptable .docx; the message says why, for the uploader."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False)


def check_docx(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Raise PackageError unless `data` is an acceptable Word document."""
    if not data:
        raise PackageError(msg("The file is empty."))
    if len(data) > max_bytes:
        raise PackageError(msg("The file is larger than %(size)d MB.",
                               size=max_bytes // (1024 * 1024)))
    if not data.startswith(b"PK"):
        raise PackageError(msg("This is not a Word document (.docx): it is not a zip "
                               "package."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise PackageError(msg("This is not a Word document (.docx): the zip is "
                               "damaged.")) from None
    with archive:
        _check_members(members)
        names = {m.filename for m in members}
        missing = [p for p in REQUIRED_PARTS if p not in names]
        if missing:
            raise PackageError(msg("This zip is not a Word document: it lacks %(parts)s.",
                                   parts=", ".join(missing)))
        _check_content_types(archive)
        try:
            bad = archive.testzip()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError,
                NotImplementedError, RuntimeError):
            bad = "?"
        if bad is not None:
            raise PackageError(msg("The Word document is damaged (a part fails its "
                                   "checksum)."))


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise PackageError(msg("The document has more than %(count)d parts.",
                               count=MAX_MEMBERS))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise PackageError(msg("The document is encrypted."))
        total += member.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise PackageError(msg("The document unpacks to more than %(size)d MB (a zip bomb?).",
                                   size=MAX_UNCOMPRESSED_BYTES // (1024 * 1024)))
        if member.file_size > RATIO_FLOOR and \
                member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise PackageError(msg("A part of the document is compressed suspiciously well "
                                   "(a zip bomb?)."))


def _check_content_types(archive: zipfile.ZipFile) -> None:
    try:
        root = etree.fromstring(archive.read("[Content_Types].xml"), _parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError):
        raise PackageError(msg("The document's [Content_Types].xml is damaged.")) from None
    overrides = {el.get("PartName"): el.get("ContentType")
                 for el in root.iter(_CT_NS + "Override")}
    main = overrides.get("/word/document.xml", "")
    if main != MAIN_CONTENT_TYPE:
        if "macroEnabled" in main:
            raise PackageError(msg("Macro-enabled documents (.docm) are not accepted."))
        if "template" in main:
            raise PackageError(msg("Save the template as a Word document (.docx), not .dotx."))
        raise PackageError(msg("The zip is not a Word document (wrong main content type)."))
    if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
        raise PackageError(msg("Documents with macros are not accepted."))
