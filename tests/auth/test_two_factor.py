"""TOTP two-factor login: enrolment in the settings, login with a code (pyotp makes them),
recovery codes, an admin's reset, CRM_REQUIRE_2FA for admins, and limited code attempts."""

from __future__ import annotations

import re
import uuid

import pyotp
import pytest

from crm.auth import twofactor
from crm.auth.models import RecoveryCode, User
from crm.extensions import db, limiter
from tests.support import PASSWORD, login


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/settings/two-factor").get_data(as_text=True)
    secret = re.search(r'class="totp-secret">([A-Z2-7]{32})<', page).group(1)
    assert "otpauth://totp/" in page and "<svg" in page
    response = client.post("/settings/two-factor", data={"c-code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _next_code(secret: str, user_id: int) -> str:
    """A code for a time step after the last one used (a code works once)."""
    user = db.session.get(User, user_id)
    db.session.refresh(user)
    totp = pyotp.TOTP(secret)
    step = (user.totp_last_step or 0) + 1
    return totp.at(step * totp.interval)


def test_enrol_then_log_in_with_a_code(client, users, monkeypatch):
    login(client, "editor@example.no")
    secret, _codes = _enrol(client)
    assert db.session.get(User, users["editor"].id).totp_secret == secret
    client.post("/logout")
    response = login(client, "editor@example.no")
    assert response.status_code == 302 and "/login/code" in response.headers["Location"]
    assert client.get("/contacts").status_code == 302  # not logged in yet
    assert client.post("/login/code", data={"code": "000000"}).status_code == 200
    assert client.get("/contacts").status_code == 302
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    if response.status_code != 302:  # the enrolment code's step may be this one: take the next
        monkeypatch.setattr(twofactor, "utcnow", _later_clock(secret))
        response = client.post("/login/code", data={"code": _next_code(secret,
                                                                        users["editor"].id)})
    assert response.status_code == 302
    assert client.get("/contacts").status_code == 200


def _later_clock(secret):
    from datetime import timedelta

    from crm.timeutil import utcnow
    moment = utcnow() + timedelta(seconds=pyotp.TOTP(secret).interval)
    return lambda: moment


def test_a_code_works_only_once(app, users):
    user = users["editor"]
    secret = twofactor.new_secret()
    code = pyotp.TOTP(secret).now()
    assert twofactor.confirm_enrolment(user, secret, code)
    assert not twofactor.verify(user, code)


def test_recovery_codes_work_once_and_are_stored_hashed(client, users):
    login(client, "viewer@example.no")
    _secret, codes = _enrol(client)
    stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in h for code in codes
                                         for h in stored)
    client.post("/logout")
    login(client, "viewer@example.no")
    assert client.post("/login/code", data={"code": codes[3].upper()}).status_code == 302
    client.post("/logout")
    login(client, "viewer@example.no")
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 200
    assert client.get("/contacts").status_code == 302


def test_admin_resets_a_users_two_factor(as_admin, users):
    user = users["editor"]
    twofactor.confirm_enrolment(user, secret := twofactor.new_secret(),
                                pyotp.TOTP(secret).now())
    page = as_admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Reset two-factor login" in page
    assert as_admin.post(f"/admin/users/{user.id}/reset-two-factor").status_code == 302
    db.session.refresh(user)
    assert user.totp_secret is None
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_reset_2fa_command(runner, users):
    user = users["admin"]
    twofactor.confirm_enrolment(user, secret := twofactor.new_secret(),
                                pyotp.TOTP(secret).now())
    result = runner.invoke(args=["reset-2fa", "admin@example.no"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert not user.two_factor_enabled


def test_required_for_admins_sends_them_to_enrol_first(client, app, users):
    app.config["CRM_REQUIRE_2FA"] = True
    login(client, "admin@example.no")
    response = client.get("/contacts")
    assert response.status_code == 302 and "/settings/two-factor" in response.headers["Location"]
    assert client.get("/admin/users").status_code == 302
    _enrol(client)
    assert client.get("/contacts").status_code == 200
    page = client.get("/settings/two-factor").get_data(as_text=True)
    assert "Turn off two-factor login" not in page  # mandatory: no way to turn it off
    client.post("/logout")
    login(client, "editor@example.no")  # editors are not forced
    assert client.get("/contacts").status_code == 200


def test_turning_it_off_needs_the_password(client, users):
    login(client, "editor@example.no")
    _enrol(client)
    client.post("/settings/two-factor", data={"o-current": "wrong password!", "action": "off"})
    assert db.session.get(User, users["editor"].id).two_factor_enabled
    client.post("/settings/two-factor", data={"o-current": PASSWORD, "action": "off"})
    db.session.expire_all()
    assert not db.session.get(User, users["editor"].id).two_factor_enabled


def test_code_attempts_are_limited(make_app, users):
    user = users["editor"]
    twofactor.confirm_enrolment(user, secret := twofactor.new_secret(),
                                pyotp.TOTP(secret).now())
    app = make_app(RATELIMIT_ENABLED=True, CRM_LOGIN_CODE_LIMIT="3 per 15 minutes",
                   RATELIMIT_KEY_PREFIX=f"t{uuid.uuid4().hex[:8]}")
    limiter.reset()
    try:
        client = app.test_client()
        login(client, "editor@example.no")
        codes = [client.post("/login/code", data={"code": "123456"}).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 200]
        response = client.post("/login/code", data={"code": "654321"})
        assert response.status_code == 429
        assert "Too many wrong codes" in response.get_data(as_text=True)
    finally:
        limiter.reset()


def test_the_code_step_expires(client, users, monkeypatch):
    from datetime import timedelta

    from crm import timeutil
    user = users["editor"]
    twofactor.confirm_enrolment(user, secret := twofactor.new_secret(),
                                pyotp.TOTP(secret).now())
    login(client, "editor@example.no")
    later = timeutil.utcnow() + timedelta(minutes=10)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


@pytest.mark.parametrize("code", ["", "\x00", "1" * 40, "<script>", "ææææææ", "١٢٣٤٥٦"])
def test_hostile_codes(client, users, code):
    user = users["editor"]
    twofactor.confirm_enrolment(user, secret := twofactor.new_secret(),
                                pyotp.TOTP(secret).now())
    login(client, "editor@example.no")
    assert client.post("/login/code", data={"code": code}).status_code == (
        400 if "\x00" in code else 200)
