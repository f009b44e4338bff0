"""NUL bytes and other hostile input in the auth forms: never a 500 (the test runs on
PostgreSQL too, which refuses NUL characters in text). A NUL anywhere in a request is refused
before any view with a 400 that says why (crm/security.py); other hostile text gets a form
error."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD, login


def refused_or_answered(response, value: str = "\x00") -> None:
    """400 with the reason for a NUL, else the page with its form error."""
    if "\x00" in value:
        assert response.status_code == 400 and b"NUL character" in response.data
    else:
        assert response.status_code == 200

HOSTILE = ["\x00", "editor@example.no\x00", "a\x00b@example.no", "x" * 5000,
           "<script>alert(1)</script>", "🐧@example.no", "ærlig@øl.no"]


@pytest.mark.parametrize("email", HOSTILE)
def test_login_email(client, users, email):
    response = login(client, email, PASSWORD)
    refused_or_answered(response, email)
    assert b"<script>alert(1)</script>" not in response.data


@pytest.mark.parametrize("password", ["\x00", PASSWORD + "\x00", "y" * 1001, "\x00" * 20])
def test_login_password(client, users, password):
    response = login(client, "editor@example.no", password)
    refused_or_answered(response, password)
    assert client.get("/contacts").status_code == 302


def test_nul_in_the_login_form_says_why(client, users):
    response = login(client, "editor@example.no\x00", PASSWORD)
    assert "NUL character" in response.get_data(as_text=True)


def test_nul_in_settings_and_user_forms(as_admin, users):
    response = as_admin.post("/settings", data={"s-name": "Ada\x00", "s-language": "en"})
    refused_or_answered(response)
    response = as_admin.post("/settings", data={"p-current": "\x00", "p-new": "\x00" * 12,
                                                "p-confirm": "\x00" * 12})
    refused_or_answered(response)
    response = as_admin.post("/admin/users/new", data={
        "email": "ny\x00@example.no", "name": "N\x00", "role": "editor", "language": "en",
        "password": "plum orchard\x00 lantern"})
    refused_or_answered(response)
    response = as_admin.post(f"/admin/users/{users['viewer'].id}", data={
        "email": "viewer@example.no", "name": "V\x00", "role": "viewer", "language": "en",
        "active": "y"})
    refused_or_answered(response)
    response = as_admin.post("/settings/two-factor", data={"c-code": "\x00"})
    refused_or_answered(response)
    response = as_admin.post("/settings", data={"o-current": "\x00"})
    refused_or_answered(response)
    assert users["viewer"].name != "V\x00"


def test_nul_in_query_parameters_of_the_login_page(client, users):
    refused_or_answered(client.get("/login?next=%00"))
    response = client.post("/login?next=/contacts%00", data={"email": "editor@example.no",
                                                              "password": PASSWORD})
    refused_or_answered(response)


def test_login_with_bytes_that_are_not_utf8(client, users):
    response = client.post("/login", data=b"email=%FF%FE%00&password=%C3%28%00",
                           content_type="application/x-www-form-urlencoded")
    refused_or_answered(response)
