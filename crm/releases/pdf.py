"""A PDF of the rendered .docx, made by LibreOffice (`soffice --headless --convert-to pdf`).

Optional: where neither `libreoffice` nor `soffice` is on PATH the option is not offered, and
admins are told why (`unavailable_reason`). Each conversion runs in a temporary folder with a
private LibreOffice profile (a profile in use by another LibreOffice would make it exit at
once) and in a session of its own, so on a timeout the whole process group is killed.
Headless LibreOffice exits 0 even when it could not load a file: the check is that a PDF came
out.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from flask import current_app

from crm.messages import Message, msg
from crm.releases.export import ExportError

DEFAULT_TIMEOUT = 120  # seconds; the first start with a fresh profile is the slow one
PDF_MIME = "application/pdf"


def converter() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def unavailable_reason() -> Message | None:
    """Why PDFs cannot be attached here, or None when they can."""
    if converter() is None:
        return msg("LibreOffice is not installed on the server (no “libreoffice” or "
                   "“soffice” program), so releases cannot be attached as PDF. Install it "
                   "(Debian: apt install libreoffice-writer) to offer the option.")
    return None


def pdf_name(docx_name: str) -> str:
    return (docx_name[:-5] if docx_name.endswith(".docx") else docx_name) + ".pdf"


def to_pdf(docx_name: str, content: bytes) -> tuple[str, bytes]:
    """(file name, PDF bytes) of a .docx. Raises ExportError (not installed, failed, too
    slow: CRM_PDF_TIMEOUT seconds)."""
    program = converter()
    if program is None:
        raise ExportError(unavailable_reason())
    timeout = float(current_app.config.get("CRM_PDF_TIMEOUT", DEFAULT_TIMEOUT))
    with tempfile.TemporaryDirectory(prefix="pressdesk-pdf-") as folder:
        work = Path(folder)
        source = work / "release.docx"
        source.write_bytes(content)
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                   str(work / "out"), str(source)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True, env={**os.environ, "HOME": folder}
                              ) as process:
            try:
                printed, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                raise ExportError(msg("LibreOffice did not make the PDF within %(num)d "
                                      "seconds.", num=int(timeout))) from None
        result = work / "out" / "release.pdf"
        if not result.exists() or not result.read_bytes().startswith(b"%PDF"):
            said = printed.decode("utf-8", "replace").strip()[-300:]
            raise ExportError(msg("LibreOffice could not make a PDF of the release: "
                                  "%(reason)s", reason=said or "?"))
        return pdf_name(docx_name), result.read_bytes()
