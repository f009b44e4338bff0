"""Helpers shared by the browser tests and their conftest."""

from __future__ import annotations

import os

import pytest

# CI sets CRM_TEST_REQUIRE_BROWSER=1 where Chromium must work: then a missing browser or
# Playwright fails the run instead of skipping the browser tests.
REQUIRE_BROWSER = os.environ.get("CRM_TEST_REQUIRE_BROWSER", "") == "1"


def cannot_drive_browser(reason: str, *, module_level: bool = False):
    """Skip (the default) or, when CRM_TEST_REQUIRE_BROWSER=1, fail with the reason."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (and CRM_TEST_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def playwright_expect():
    """Playwright's `expect`, for a test module to bind at import; skips the module without it."""
    try:
        from playwright.sync_api import expect
    except ImportError as exc:
        cannot_drive_browser(f"Playwright cannot be imported ({exc}); install the dev extra",
                             module_level=True)
    return expect
