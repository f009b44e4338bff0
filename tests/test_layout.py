"""The test suite's own layout: helpers are imported from plain modules, never from conftest."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
CONFTEST_IMPORT = re.compile(r"^\s*(from\s+tests(\.\w+)*\.conftest\s+import|import\s+tests(\.\w+)*"
                             r"\.conftest)", re.MULTILINE)


def test_no_module_imports_a_conftest():
    """pytest loads conftest modules itself; importing one as well runs it twice under two
    names. Shared helpers live in tests/support.py and tests/factories.py."""
    offenders = [str(path.relative_to(TESTS)) for path in sorted(TESTS.rglob("*.py"))
                 if CONFTEST_IMPORT.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
