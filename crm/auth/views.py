
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from crm.auth import bp, services
from crm.auth.forms import LoginForm, PasswordForm, SettingsForm, UserForm
from crm.auth.models import User
from crm.auth.roles import admin_required, viewer_may_post
from crm.errors import UserError
from crm.extensions import db, limiter
from crm.redirects import local_target
from crm.view_helpers import show_error


def _login_limit() -> str:
    return current_app.config["CRM_LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    return local_target(target, url_for("interactions.my_day"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@viewer_may_post
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@viewer_may_post
def logout():
    """Log out."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@viewer_may_post
def settings():
    """Own name, language and password."""
    form = SettingsForm(obj=current_user, prefix="s")
    pw_form = PasswordForm(prefix="p")
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
                flash(_("Password changed."), "success")
                return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form, pw_form=pw_form)


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
            flash(_("User saved."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)
