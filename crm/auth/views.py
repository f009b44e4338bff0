from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from crm import timeutil
from crm.auth import bp, services, sessions, throttle, twofactor
from crm.auth.forms import (
    CodeForm,
    ConfirmPasswordForm,
    LoginForm,
    PasswordForm,
    SettingsForm,
    UserForm,
)
from crm.auth.models import User
from crm.auth.roles import admin_required, viewer_may_post
from crm.errors import UserError
from crm.extensions import db
from crm.redirects import local_target
from crm.view_helpers import show_error

# Between a right password and a right code: who, since when, remember-me, where to go next.
PENDING = "_crm_2fa"
PENDING_SECONDS = 300
# A TOTP secret shown for enrolment, until a code confirms it.
ENROLLING = "_crm_totp_pending"


def _safe_next(target: str | None) -> str:
    return local_target(target, url_for("interactions.my_day"))


def _complete_login(user: User, remember: bool) -> None:
    session.pop(PENDING, None)
    login_user(services.start_login(user), remember=remember)
    sessions.mark_started()
    services.record_login(user)


@bp.route("/login", methods=["GET", "POST"])
@viewer_may_post
def login():
    """Log in with email and password (and a code, with two-factor login on)."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        refusal = throttle.password_refusal(form.email.data)
        user = None if refusal else services.authenticate(form.email.data, form.password.data)
        if refusal:
            form.email.errors.append(str(refusal))
            status = 429
        elif user is None:
            throttle.password_failed(form.email.data)
            flash(_("Wrong email or password."), "error")
        else:
            throttle.password_succeeded(form.email.data)
            if user.two_factor_enabled:
                session[PENDING] = {"user": user.id, "at": timeutil.utcnow().timestamp(),
                                    "remember": bool(form.remember.data),
                                    "next": request.args.get("next") or ""}
                return redirect(url_for("auth.login_code"))
            _complete_login(user, bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), (int, float)):
        return None, {}
    if timeutil.utcnow().timestamp() - pending["at"] > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None, {}
    user = db.session.get(User, pending.get("user")) if isinstance(
        pending.get("user"), int) else None
    if user is None or not user.active or not user.two_factor_enabled:
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
@viewer_may_post
def login_code():
    """The second step of a two-factor login: a code from the app, or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        refusal = throttle.code_refusal(user.id)
        if refusal:
            form.code.errors.append(str(refusal))
            status = 429
        elif twofactor.verify(user, form.code.data):
            throttle.code_succeeded(user.id)
            _complete_login(user, bool(pending.get("remember")))
            return redirect(_safe_next(pending.get("next")))
        else:
            throttle.code_failed(user.id)
            form.code.errors.append(_("That code is not right (or was used already)."))
            status = 200
    return render_template("auth/login_code.html", form=form), status


@bp.route("/logout", methods=["POST"])
@viewer_may_post
def logout():
    """Log out: every session and remember cookie of this user ends, on every device."""
    if current_user.is_authenticated:
        services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    sessions.forget_login()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _stay_logged_in_here(user: User) -> None:
    """After a new password this session goes on (with a new login id); all others end."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(services.start_login(user), remember=remembered)
    sessions.mark_started()


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@viewer_may_post
def settings():
    """Own name, language and password; signing out everywhere."""
    form = SettingsForm(obj=current_user, prefix="s")
    pw_form = PasswordForm(prefix="p")
    out_form = ConfirmPasswordForm(prefix="o")
    if request.method == "POST" and "s-name" in request.form and form.validate():
        current_user.name = form.name.data.strip()
        current_user.language = form.language.data
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("auth.settings"))
    if request.method == "POST" and "p-new" in request.form and pw_form.validate():
        if not current_user.check_password(pw_form.current.data):
            pw_form.current.errors.append(_("That is not your current password."))
        else:
            try:
                services.change_password(current_user, pw_form.new.data)
            except UserError as exc:
                show_error(pw_form, exc, renames={"password": "new"})
            else:
                _stay_logged_in_here(current_user._get_current_object())
                flash(_("Password changed. You are logged out everywhere else."), "success")
                return redirect(url_for("auth.settings"))
    if request.method == "POST" and "o-current" in request.form and out_form.validate():
        if not current_user.check_password(out_form.current.data):
            out_form.current.errors.append(_("That is not your current password."))
        else:
            services.sign_out_everywhere(current_user._get_current_object())
            logout_user()
            sessions.forget_login()
            flash(_("You are logged out everywhere, here too."), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/settings.html", form=form, pw_form=pw_form, out_form=out_form,
                           recovery_left=twofactor.unused_recovery_codes(current_user))


@bp.route("/settings/two-factor", methods=["GET", "POST"])
@login_required
@viewer_may_post
def two_factor():
    """Turn two-factor login on (scan, confirm with a code), new recovery codes, or off."""
    user = current_user._get_current_object()
    code_form = CodeForm(prefix="c")
    pw_form = ConfirmPasswordForm(prefix="o")
    required = bool(current_app.config.get("CRM_REQUIRE_2FA")) and user.is_admin
    if not user.two_factor_enabled:
        secret = session.get(ENROLLING)
        if not isinstance(secret, str) or len(secret) != 32:
            secret = session[ENROLLING] = twofactor.new_secret()
        if request.method == "POST" and code_form.validate():
            codes = twofactor.confirm_enrolment(user, secret, code_form.code.data)
            if codes is None:
                code_form.code.errors.append(_("That code is not right. Check the time on "
                                               "your phone and try the newest code."))
            else:
                session.pop(ENROLLING, None)
                flash(_("Two-factor login is on."), "success")
                return render_template("auth/recovery_codes.html", codes=codes)
        uri = twofactor.provisioning_uri(user, secret)
        return render_template("auth/two_factor.html", enrolled=False, secret=secret, uri=uri,
                               qr=twofactor.qr_svg(uri), code_form=code_form, required=required)
    if request.method == "POST" and pw_form.validate():
        if not user.check_password(pw_form.current.data):
            pw_form.current.errors.append(_("That is not your current password."))
        elif request.form.get("action") == "codes":
            return render_template("auth/recovery_codes.html",
                                   codes=twofactor.new_recovery_codes(user))
        elif request.form.get("action") == "off" and not required:
            twofactor.disable(user)
            flash(_("Two-factor login is off."), "info")
            return redirect(url_for("auth.settings"))
    return render_template("auth/two_factor.html", enrolled=True, pw_form=pw_form,
                           required=required, recovery_left=twofactor.unused_recovery_codes(user))


@bp.route("/admin/users")
@admin_required
def users():
    """List user accounts."""
    rows = db.session.scalars(db.select(User).order_by(User.email)).all()
    return render_template("auth/users.html", users=rows)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a user account."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data or "", form.role.data,
                                 form.name.data or "", form.language.data)
        except UserError as exc:
            show_error(form, exc, fallback="email")
        else:
            flash(_("User created."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    """Change a user's role, name, language or active flag, or set a new password."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_user(user, role=form.role.data, name=form.name.data or "",
                                 language=form.language.data, active=form.active.data)
            if form.password.data:
                services.change_password(user, form.password.data)
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="role")
        else:
            if user.id == current_user.id and form.password.data:
                _stay_logged_in_here(user)
            flash(_("User saved."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.route("/admin/users/<int:user_id>/sign-out", methods=["POST"])
@admin_required
def sign_out_user(user_id: int):
    """End every session and remember cookie of a user."""
    user = db.get_or_404(User, user_id)
    services.sign_out_everywhere(user)
    if user.id == current_user.id:
        logout_user()
        sessions.forget_login()
        flash(_("You are logged out everywhere, here too."), "info")
        return redirect(url_for("auth.login"))
    flash(_("%(email)s is logged out everywhere.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-two-factor", methods=["POST"])
@admin_required
def reset_two_factor(user_id: int):
    """Turn a user's two-factor login off (a lost phone); they are logged out everywhere."""
    user = db.get_or_404(User, user_id)
    twofactor.disable(user)
    services.sign_out_everywhere(user)
    if user.id == current_user.id:
        logout_user()
        sessions.forget_login()
        return redirect(url_for("auth.login"))
    flash(_("Two-factor login of %(email)s is off; they can turn it on again under "
            "Settings.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))
