"""Logging in, roles and the guards every page has."""

import pytest

from crm.auth.models import User
from crm.auth.services import UserError, create_user, ensure_first_admin
from crm.extensions import db
from tests.support import PASSWORD, login


def test_every_page_but_login_requires_a_login(client, users):
    for path in ("/", "/contacts", "/organisations", "/lists", "/admin/users", "/settings"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]
    assert client.get("/login").status_code == 200


def test_login_with_right_password_and_logout(client, users):
    response = login(client, "editor@example.no")
    assert response.status_code == 302
    assert client.get("/contacts").status_code == 200
    client.post("/logout")
    assert client.get("/contacts").status_code == 302


@pytest.mark.parametrize("email,password", [
    ("editor@example.no", "wrong password"),
    ("nobody@example.no", PASSWORD),
    ("", ""),
    ("' OR 1=1 --", "' OR 1=1 --"),
    ("<script>alert(1)</script>", "x" * 5000),
])
def test_login_refuses_bad_credentials(client, users, email, password):
    response = login(client, email, password)
    assert response.status_code == 200
    assert client.get("/contacts").status_code == 302
    assert b"<script>alert(1)</script>" not in response.data


def test_inactive_user_cannot_log_in(client, users):
    users["editor"].active = False
    db.session.commit()
    login(client, "editor@example.no")
    assert client.get("/contacts").status_code == 302


def test_login_redirect_refuses_other_hosts(client, users):
    response = client.post("/login?next=https://evil.example/x",
                           data={"email": "editor@example.no", "password": PASSWORD})
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_passwords_are_hashed(users):
    stored = db.session.get(User, users["editor"].id).password_hash
    assert PASSWORD not in stored and stored.startswith("pbkdf2:")


def test_viewer_gets_403_on_writes(as_viewer):
    assert as_viewer.get("/contacts").status_code == 200
    assert as_viewer.get("/contacts/new").status_code == 403
    assert as_viewer.post("/contacts/new", data={"name": "X", "kind": "journalist"}
                          ).status_code == 403
    assert as_viewer.post("/organisations/new", data={"name": "X"}).status_code == 403
    assert as_viewer.post("/lists/new", data={"name": "X"}).status_code == 403


def test_viewer_may_change_own_settings(as_viewer, users):
    response = as_viewer.post("/settings", data={"s-name": "Vera Viewer", "s-language": "nb"})
    assert response.status_code == 302
    assert db.session.get(User, users["viewer"].id).language == "nb"


def test_only_admins_manage_users(as_editor):
    assert as_editor.get("/admin/users").status_code == 403
    assert as_editor.get("/admin/audit/").status_code == 403


def test_admin_creates_a_user_and_sees_errors(as_admin):
    response = as_admin.post("/admin/users/new", data={
        "email": "ny@example.no", "name": "Åse Ødegård", "role": "editor", "language": "nb",
        "password": "long enough password"})
    assert response.status_code == 302
    response = as_admin.post("/admin/users/new", data={
        "email": "ny@example.no", "name": "", "role": "editor", "language": "nb",
        "password": "long enough password"})
    assert b"already exists" in response.data
    response = as_admin.post("/admin/users/new", data={
        "email": "kort@example.no", "role": "editor", "language": "nb", "password": "short"})
    assert b"at least" in response.data


def test_last_admin_cannot_be_demoted(as_admin, users):
    admin = users["admin"]
    response = as_admin.post(f"/admin/users/{admin.id}", data={
        "email": admin.email, "name": "A", "role": "viewer", "language": "en", "active": "y"})
    assert response.status_code == 200
    assert b"last active admin" in response.data
    assert db.session.get(User, admin.id).role == "admin"


def test_create_user_validates(app):
    with pytest.raises(UserError):
        create_user("not an email", PASSWORD)
    with pytest.raises(UserError):
        create_user("x@example.no", PASSWORD, role="superuser")


def test_ensure_first_admin_once(app):
    created = ensure_first_admin()
    assert created is not None
    user, password = created
    assert user.check_password(password)
    assert ensure_first_admin() is None


def test_create_user_command_reads_password_from_stdin(runner):
    result = runner.invoke(args=["create-user", "Kari@Example.no", "--role", "admin",
                                 "--password-stdin"], input="a very good password\n")
    assert result.exit_code == 0, result.output
    assert "kari@example.no" in result.output
    result = runner.invoke(args=["create-user", "kari@example.no", "--password-stdin"],
                           input="a very good password\n")
    assert result.exit_code != 0 and "already exists" in result.output


def test_csrf_is_enforced(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "editor@example.no", "password": PASSWORD})
    assert response.status_code == 400
    assert b"expired" in response.data


def test_secure_cookies_over_https():
    from crm.config import load_config
    config = load_config("/tmp", {"CRM_BASE_URL": "https://pressdesk.example"})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert not load_config("/tmp", {})["SESSION_COOKIE_SECURE"]


def test_change_own_password_needs_the_current_one(client, users):
    login(client, "viewer@example.no")
    response = client.post("/settings", data={"p-current": "wrong password!",
                                              "p-new": "a brand new password",
                                              "p-confirm": "a brand new password"})
    assert response.status_code == 200
    assert "not your current password" in response.get_data(as_text=True)
    response = client.post("/settings", data={"p-current": PASSWORD,
                                              "p-new": "a brand new password",
                                              "p-confirm": "a brand new password"})
    assert response.status_code == 302
    client.post("/logout")
    login(client, "viewer@example.no", "a brand new password")
    assert client.get("/contacts").status_code == 200
