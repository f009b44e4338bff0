"""The password rule: 12+ characters, long passphrases fine, nothing easy to guess, and a
message that says why; the same in the admin's form, the own settings and the CLI."""

from __future__ import annotations

import pytest

from crm.auth import passwords
from crm.auth.services import create_user
from crm.errors import UserError
from tests.support import PASSWORD

WEAK = ["password12", "1234567890", "aaaaaaaaaa", "password1234", "qwertyuiopas",
        "aaaaaaaaaaaaaaaa", "abcdefghijklmnop", "123412341234", "iloveyou2026"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password):
    with pytest.raises(UserError) as info:
        passwords.check_password(password)
    assert info.value.field == "password"


@pytest.mark.parametrize("password", [PASSWORD, "plum orchard lantern", "a very good password",
                                      "Fjellet bak hytta er blått", "ærlig øl på åsen i kveld",
                                      "🐧🐧 pingvinen spiser sild 🐟", "x7#Lq!9vR2&m"])
def test_good_passwords_pass(password):
    passwords.check_password(password)


def test_the_message_says_why(app):
    cases = {
        "password1234": "most common passwords",
        "aaaaaaaaaaaaaaaa": "repeated",
        "abcdefghijklmnop": "sequences",
        "kari.nordmann@nrk.no": "your name or email",
    }
    for password, why in cases.items():
        with pytest.raises(UserError) as info:
            passwords.check_password(password, user_inputs=("kari.nordmann@nrk.no", "Kari"))
        assert why in info.value.message, password


def test_length_bounds(app):
    with pytest.raises(UserError) as info:
        passwords.check_password("Xq7!vR2&mLp")  # 11 characters, random
    assert "at least 12" in info.value.message
    passwords.check_password("tusen ord om fjorden og fjellet " * 31)  # ~1,000 characters
    with pytest.raises(UserError) as info:
        passwords.check_password("y" * 1001)
    assert "at most 1000" in info.value.message


def test_names_count_against_the_password(app):
    with pytest.raises(UserError) as info:
        create_user("ingrid.haugland@example.no", "ingridhaugland", name="Ingrid Haugland")
    assert "name or email" in info.value.message


def test_admin_user_form_refuses_weak_passwords(as_admin, users):
    response = as_admin.post("/admin/users/new", data={
        "email": "ny@example.no", "role": "editor", "language": "en",
        "password": "password1234"})
    assert response.status_code == 200
    assert "too easy to guess" in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/users/{users['viewer'].id}", data={
        "email": "viewer@example.no", "name": "V", "role": "viewer", "language": "en",
        "active": "y", "password": "1234567890ab"})
    assert "too easy to guess" in response.get_data(as_text=True)


def test_own_settings_refuse_weak_passwords(as_viewer):
    response = as_viewer.post("/settings", data={"p-current": PASSWORD,
                                                 "p-new": "aaaaaaaaaaaaaaaa",
                                                 "p-confirm": "aaaaaaaaaaaaaaaa"})
    assert response.status_code == 200
    assert "too easy to guess" in response.get_data(as_text=True)


def test_cli_refuses_weak_passwords(runner, users):
    result = runner.invoke(args=["create-user", "ola@example.no", "--password-stdin"],
                           input="password12\n")
    assert result.exit_code != 0 and "at least 12" in result.output
    result = runner.invoke(args=["create-user", "ola@example.no", "--password-stdin"],
                           input="password1234\n")
    assert result.exit_code != 0 and "too easy to guess" in result.output
    result = runner.invoke(args=["set-password", "editor@example.no", "--password-stdin"],
                           input="1234567890123\n")
    assert result.exit_code != 0 and "too easy to guess" in result.output
    result = runner.invoke(args=["set-password", "editor@example.no", "--password-stdin"],
                           input="plum orchard lantern\n")
    assert result.exit_code == 0, result.output


def test_the_message_is_norwegian_for_a_norwegian_reader(app):
    from flask_babel import force_locale
    with pytest.raises(UserError) as info:
        passwords.check_password("password1234")
    with app.test_request_context(), force_locale("nb"):
        text = info.value.message
    assert "passord" in text.lower() and "common" not in text
