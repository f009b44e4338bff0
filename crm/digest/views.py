from datetime import time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.roles import viewer_may_post
from crm.digest import bp, services
from crm.digest.forms import DigestSettingsForm
from crm.mail import MailConfigError, SendError
from crm.timeutil import local_today, utcnow


@bp.route("/settings", methods=["GET", "POST"])
@viewer_may_post
def settings():
    """My digest: on/off, time, days, groups."""
    current = services.settings_for(current_user)
    form = DigestSettingsForm(
        data=None if request.method == "POST" else {
            "enabled": current.enabled,
            "send_time": time(current.send_hour, current.send_minute),
            "weekdays": [str(d) for d in current.weekdays or []],
            "groups": list(current.groups or []),
            "weekly_report": bool(current.weekly_report)})
    if form.validate_on_submit():
        services.save_settings(
            current_user, enabled=form.enabled.data, hour=form.send_time.data.hour,
            minute=form.send_time.data.minute,
            weekdays=[int(d) for d in form.weekdays.data], groups=form.groups.data,
            weekly_report=form.weekly_report.data)
        flash(_("Digest settings saved."), "success")
        return redirect(url_for("digest.settings"))
    return render_template("digest/settings.html", form=form)


@bp.route("/preview")
def preview():
    """Exactly the email I would get now."""
    _digest, rendered = services.compose(current_user, local_today(), utcnow())
    return render_template("digest/preview.html", rendered=rendered)


@bp.route("/preview/email.html")
def preview_html():
    """The HTML part alone (shown in the preview's frame)."""
    _digest, rendered = services.compose(current_user, local_today(), utcnow())
    return rendered.html, 200, {"Content-Type": "text/html; charset=utf-8",
                                "Content-Security-Policy": "default-src 'none'; "
                                "style-src 'unsafe-inline'; img-src data:"}


@bp.route("/test", methods=["POST"])
@viewer_may_post
def send_test():
    """Send me the digest now, as a test."""
    try:
        services.send_test(current_user)
    except (SendError, MailConfigError) as exc:
        flash(_("The test digest could not be sent: %(error)s", error=str(exc)), "error")
    else:
        flash(_("A test digest is on its way to %(email)s.", email=current_user.email),
              "success")
    return redirect(url_for("digest.preview"))
