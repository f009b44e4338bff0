#!/usr/bin/env python
"""Write the built-in release templates (bokmål and English) as .docx files.

    .venv/bin/python scripts/make_default_template.py [OUTPUT_DIR]   (default: instance/)

The files are built by crm/releases/default_template.py with python-docx, so no binary is kept
in the repository. The fonts are set in the styles (Calibri and Cambria) and the letterhead has
`{{ logo }}`, the logo admins upload under Admin -> Letterhead logo. Open one in Word, replace
the letterhead text, keep the placeholders, and upload it under Press releases -> Templates. The app itself stores the
same built-in templates in its database the first time a release needs one
(or `crm install-release-templates`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm.releases.default_template import build  # noqa: E402


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "instance"
    out.mkdir(parents=True, exist_ok=True)
    for language in ("nb", "en"):
        path = out / f"pressemelding-mal-{language}.docx"
        path.write_bytes(build(language))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
