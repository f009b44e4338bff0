"""After a form, the app only ever redirects to a path on this site."""

import pytest

from crm.redirects import local_target


@pytest.mark.parametrize("target", ["/contacts", "/contacts?q=%C3%B8&page=2", "/"])
def test_local_paths_are_kept(target):
    assert local_target(target, "/fallback") == target


@pytest.mark.parametrize("target", [None, "", "https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)", "contacts",
                                    "http:/x"])
def test_anything_else_falls_back(target):
    assert local_target(target, "/fallback") == "/fallback"
